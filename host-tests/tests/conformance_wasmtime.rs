//! The conformance vectors run by the component in wasmtime, through the
//! reference host's dynamic calls: every argument is built from the export's
//! own parameter types and every result read back by its result type, so no
//! mapping of the vectors is written by hand beyond the stream vectors' steps.

use hf_provider::component_types::{ComponentFunc, Type};
use hf_provider::{Origin, Session, Val};
use hf_provider_host_tests::{
    LiveRouter, Vector, check_all, chunk_bytes, cooldowns, drained, error, now_ms, ok, with_router,
};
use serde_json::{Map, Value, json};

/// A JSON value in the WIT's shape, as a value of type `ty`.
fn to_val(value: &Value, ty: &Type) -> Result<Val, String> {
    let bad = || format!("{value} is not a {ty:?}");
    let int = || value.as_i64().ok_or_else(bad);
    let uint = || value.as_u64().ok_or_else(bad);
    let narrow = |n: Result<u64, String>| n.and_then(|n| u32::try_from(n).map_err(|_| bad()));
    Ok(match ty {
        Type::Bool => Val::Bool(value.as_bool().ok_or_else(bad)?),
        Type::U8 => Val::U8(u8::try_from(uint()?).map_err(|_| bad())?),
        Type::U16 => Val::U16(u16::try_from(uint()?).map_err(|_| bad())?),
        Type::U32 => Val::U32(narrow(uint())?),
        Type::U64 => Val::U64(uint()?),
        Type::S64 => Val::S64(int()?),
        Type::Float64 => Val::Float64(value.as_f64().ok_or_else(bad)?),
        Type::String => Val::String(value.as_str().ok_or_else(bad)?.to_owned()),
        Type::List(list) => {
            let element = list.ty();
            match (value, &element) {
                (Value::String(text), Type::U8) => Val::List(text.bytes().map(Val::U8).collect()),
                (Value::Array(items), _) => Val::List(
                    items
                        .iter()
                        .map(|item| to_val(item, &element))
                        .collect::<Result<_, _>>()?,
                ),
                _ => return Err(bad()),
            }
        }
        Type::Record(record) => {
            let object = value.as_object().ok_or_else(bad)?;
            let fields = record.fields().map(|field| {
                let item = object
                    .get(field.name)
                    .ok_or_else(|| format!("{value} lacks the field {}", field.name))?;
                Ok((field.name.to_owned(), to_val(item, &field.ty)?))
            });
            Val::Record(fields.collect::<Result<_, String>>()?)
        }
        Type::Tuple(tuple) => {
            let items = value.as_array().ok_or_else(bad)?;
            if items.len() != tuple.types().len() {
                return Err(bad());
            }
            Val::Tuple(
                items
                    .iter()
                    .zip(tuple.types())
                    .map(|(item, ty)| to_val(item, &ty))
                    .collect::<Result<_, _>>()?,
            )
        }
        Type::Variant(variant) => {
            let tag = value["tag"].as_str().ok_or_else(bad)?;
            let case = variant.cases().find(|c| c.name == tag).ok_or_else(bad)?;
            let payload = match case.ty {
                Some(ty) => Some(Box::new(to_val(&value["val"], &ty)?)),
                None => None,
            };
            Val::Variant(tag.to_owned(), payload)
        }
        Type::Enum(cases) => {
            let name = value.as_str().ok_or_else(bad)?;
            if !cases.names().any(|case| case == name) {
                return Err(bad());
            }
            Val::Enum(name.to_owned())
        }
        Type::Option(option) => match value {
            Value::Null => Val::Option(None),
            some => Val::Option(Some(Box::new(to_val(some, &option.ty())?))),
        },
        Type::Flags(flags) => {
            let names = value.as_array().ok_or_else(bad)?;
            let mut set = Vec::new();
            for name in flags.names() {
                if names.iter().any(|n| n == name) {
                    set.push(name.to_owned());
                }
            }
            if set.len() != names.len() {
                return Err(bad());
            }
            Val::Flags(set)
        }
        other => return Err(format!("no vector takes a {other:?}")),
    })
}

/// A value of type `ty` in the WIT's JSON shape.
fn to_json(val: &Val, ty: &Type) -> Result<Value, String> {
    let mismatch = || format!("{val:?} is not a {ty:?}");
    Ok(match (val, ty) {
        (Val::Bool(b), _) => json!(b),
        (Val::U8(n), _) => json!(n),
        (Val::U16(n), _) => json!(n),
        (Val::U32(n), _) => json!(n),
        (Val::U64(n), _) => json!(n),
        (Val::S64(n), _) => json!(n),
        (Val::Float64(n), _) => json!(n),
        (Val::String(s), _) => json!(s),
        (Val::List(items), Type::List(list)) => match list.ty() {
            Type::U8 => {
                let bytes: Vec<u8> = items
                    .iter()
                    .map(|b| match b {
                        Val::U8(b) => Ok(*b),
                        _ => Err(mismatch()),
                    })
                    .collect::<Result<_, _>>()?;
                json!(String::from_utf8_lossy(&bytes))
            }
            element => Value::Array(
                items
                    .iter()
                    .map(|item| to_json(item, &element))
                    .collect::<Result<_, _>>()?,
            ),
        },
        (Val::Record(fields), Type::Record(record)) => {
            let mut object = Map::new();
            for ((name, item), field) in fields.iter().zip(record.fields()) {
                object.insert(name.clone(), to_json(item, &field.ty)?);
            }
            Value::Object(object)
        }
        (Val::Tuple(items), Type::Tuple(tuple)) => Value::Array(
            items
                .iter()
                .zip(tuple.types())
                .map(|(item, ty)| to_json(item, &ty))
                .collect::<Result<_, _>>()?,
        ),
        (Val::Variant(tag, payload), Type::Variant(variant)) => {
            let case = variant
                .cases()
                .find(|c| c.name == tag)
                .ok_or_else(mismatch)?;
            match (payload, case.ty) {
                (Some(payload), Some(ty)) => json!({"tag": tag, "val": to_json(payload, &ty)?}),
                _ => json!({"tag": tag}),
            }
        }
        (Val::Enum(name), _) => json!(name),
        (Val::Option(None), _) => Value::Null,
        (Val::Option(Some(item)), Type::Option(option)) => to_json(item, &option.ty())?,
        (Val::Result(outcome), Type::Result(result)) => {
            let side = |payload: &Option<Box<Val>>, ty: Option<Type>| match (payload, ty) {
                (Some(payload), Some(ty)) => to_json(payload, &ty),
                _ => Ok(Value::Null),
            };
            match outcome {
                Ok(payload) => ok(side(payload, result.ok())?),
                Err(payload) => error(side(payload, result.err())?),
            }
        }
        (Val::Flags(names), _) => json!(names),
        _ => return Err(mismatch()),
    })
}

/// A call's result in the vectors' shape: a `result` as is, anything else as `ok`.
fn outcome(results: &[Val], ty: &ComponentFunc) -> Result<Value, String> {
    match (results, ty.results().next()) {
        ([value], Some(ty @ Type::Result(_))) => to_json(value, &ty),
        ([value], Some(ty)) => Ok(ok(to_json(value, &ty)?)),
        _ => Err(format!("unexpected results {results:?}")),
    }
}

async fn call(
    session: &mut Session,
    interface: &str,
    function: &str,
    args: &[Value],
) -> Result<(Vec<Val>, ComponentFunc), String> {
    let ty = session
        .export_type(interface, function)
        .map_err(|e| e.to_string())?;
    if ty.params().len() != args.len() {
        return Err(format!(
            "{function} takes {} arguments, the vector gives {}",
            ty.params().len(),
            args.len()
        ));
    }
    let vals = args
        .iter()
        .zip(ty.params())
        .map(|(arg, (_, ty))| to_val(arg, &ty))
        .collect::<Result<Vec<_>, _>>()?;
    let results = session
        .call_export(interface, function, &vals)
        .await
        .map_err(|e| format!("{e:#}"))?;
    Ok((results, ty))
}

/// A stream vector: `decode-stream`, then `feed` for every chunk, `finish`, `response`.
async fn stream(session: &mut Session, vector: &Vector) -> Result<Value, String> {
    let (results, ty) = call(session, "chat", "decode-stream", &vector.args[..3]).await?;
    let decoder = match results.as_slice() {
        [Val::Result(Ok(Some(decoder)))] => (**decoder).clone(),
        _ => return outcome(&results, &ty),
    };
    let method = |name: &str| format!("[method]stream-decoder.{name}");
    let chunks = vector
        .args
        .get(3)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut feeds = Vec::new();
    let feed_ty = session
        .export_type("chat", &method("feed"))
        .map_err(|e| e.to_string())?;
    for chunk in &chunks {
        let bytes = Val::List(chunk_bytes(chunk)?.into_iter().map(Val::U8).collect());
        let results = session
            .call_export("chat", &method("feed"), &[decoder.clone(), bytes])
            .await
            .map_err(|e| format!("{e:#}"))?;
        feeds.push(outcome(&results, &feed_ty)?);
    }
    let mut step = async |name: &str| -> Result<Value, String> {
        let ty = session
            .export_type("chat", &method(name))
            .map_err(|e| e.to_string())?;
        let results = session
            .call_export("chat", &method(name), std::slice::from_ref(&decoder))
            .await
            .map_err(|e| format!("{e:#}"))?;
        outcome(&results, &ty)
    };
    let finish = step("finish").await?;
    let response = step("response").await?;
    Ok(ok(
        json!({"feeds": feeds, "finish": finish, "response": response["ok"]}),
    ))
}

/// An open `chat-stream` drained: `next` until it ends, then `response`.
async fn drain(session: &mut Session, stream: Val) -> Result<Value, String> {
    let next = "[method]chat-stream.next";
    let next_ty = session
        .export_type("chat", next)
        .map_err(|e| e.to_string())?;
    let mut events = Vec::new();
    let end = loop {
        let results = session
            .call_export("chat", next, std::slice::from_ref(&stream))
            .await
            .map_err(|e| format!("{e:#}"))?;
        let batch = outcome(&results, &next_ty)?;
        match batch.get("ok") {
            Some(Value::Array(items)) => events.extend(items.iter().cloned()),
            _ => break batch,
        }
    };
    let response_ty = session
        .export_type("chat", "[method]chat-stream.response")
        .map_err(|e| e.to_string())?;
    let results = session
        .call_export(
            "chat",
            "[method]chat-stream.response",
            std::slice::from_ref(&stream),
        )
        .await
        .map_err(|e| format!("{e:#}"))?;
    let response = outcome(&results, &response_ty)?;
    Ok(drained(&events, end, response["ok"].clone()))
}

/// A live vector: the call against the fake router, then what the router received.
async fn live(host: &hf_provider::Host, vector: &Vector) -> Result<Value, String> {
    let router = LiveRouter::get();
    router
        .script(vector.router.as_ref().unwrap_or(&Value::Null))
        .map_err(|e| e.to_string())?;
    let args = with_router(&Value::Array(vector.args.clone()), &router.origin);
    let args = args.as_array().cloned().unwrap_or_default();
    let mut session = host
        .session(Origin::of_url(&router.origin))
        .await
        .map_err(|e| e.to_string())?;
    let (interface, function) = (vector.interface.as_str(), vector.call.as_str());
    let (mut results, ty) = call(&mut session, interface, function, &args).await?;
    let result = match (interface, function) {
        ("chat", "open-stream") => match results.pop() {
            Some(Val::Result(Ok(Some(stream)))) => ok(drain(&mut session, *stream).await?),
            other => outcome(&other.into_iter().collect::<Vec<_>>(), &ty)?,
        },
        ("failover", _) => {
            let Some(Val::Record(fields)) = results.pop() else {
                return Err("a failover outcome is a record".to_owned());
            };
            let record_ty = ty.results().next().ok_or("no result type")?;
            let Type::Record(record) = record_ty else {
                return Err("a failover outcome is a record".to_owned());
            };
            let mut object = Map::new();
            for ((name, value), field) in fields.into_iter().zip(record.fields()) {
                let item = match (name.as_str(), value) {
                    ("opened", Val::Result(Ok(Some(stream)))) => {
                        ok(drain(&mut session, *stream).await?)
                    }
                    ("cooldowns", value) => cooldowns(&to_json(&value, &field.ty)?, now_ms()),
                    (_, value) => to_json(&value, &field.ty)?,
                };
                object.insert(name, item);
            }
            ok(Value::Object(object))
        }
        _ => outcome(&results, &ty)?,
    };
    let requests = router.requests().map_err(|e| e.to_string())?;
    Ok(json!({"result": result, "requests": requests}))
}

async fn run(host: &hf_provider::Host, vector: &Vector) -> Result<Value, String> {
    if vector.live {
        return live(host, vector).await;
    }
    // A fresh instance per vector: nothing one vector leaves behind reaches the next.
    let mut session = host.session(None).await.map_err(|e| e.to_string())?;
    if vector.call == "stream-decoder" {
        return stream(&mut session, vector).await;
    }
    let (results, ty) = call(&mut session, &vector.interface, &vector.call, &vector.args).await?;
    outcome(&results, &ty)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_vector_passes_in_wasmtime() {
    let host = hf_provider::Host::new().expect("compile the component");
    let vectors = hf_provider_host_tests::load_vectors();
    let mut results = Vec::new();
    for vector in &vectors {
        results.push(run(&host, vector).await);
    }
    let (passed, failed) = check_all("wasmtime", &vectors, results);
    assert!(passed >= 200, "only {passed} vectors ran");
    assert_eq!(failed, 0, "{failed} vectors failed (see above)");
}
