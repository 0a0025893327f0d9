//! Finishing the OpenAPI document the routes generate: the refusals every
//! operation shares (a bad token, a malformed body, a missing record, a busy
//! database) follow from the operation's shape, so they are added here once
//! instead of being repeated, and forgotten, on each handler. The error codes
//! come from the same lists the error mapping uses.

use serde_json::{Map, Value, json};
use utoipa::openapi::OpenApi;

use crate::error::GENERIC_CODES;
use satuatap_service::Refusal;

const ERROR_REF: &str = "#/components/schemas/ApiErrorBody";

fn error_content() -> Value {
    json!({ "application/json": { "schema": { "$ref": ERROR_REF } } })
}

fn retry_after() -> Value {
    json!({ "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": { "type": "integer", "minimum": 0 }
    }})
}

/// Add `status` to `responses` unless the handler described it; make sure every
/// error response has the error body and, for 429 and 503, `Retry-After`.
fn ensure(responses: &mut Map<String, Value>, status: &str, description: &str) {
    let r = responses.entry(status.to_string()).or_insert_with(|| json!({ "description": "" }));
    if let Some(obj) = r.as_object_mut() {
        // A handler's own words about this status come first; the shared refusal is added after.
        let own = obj.get("description").and_then(Value::as_str).unwrap_or_default().trim().to_string();
        let code = description.split('`').nth(1).unwrap_or_default();
        let merged = if own.is_empty() {
            description.to_string()
        } else if !code.is_empty() && own.contains(&format!("`{code}`")) {
            own
        } else {
            format!("{own} {description}")
        };
        obj.insert("description".into(), Value::String(merged));
        if !obj.contains_key("content") && status != "204" {
            obj.insert("content".into(), error_content());
        }
        if matches!(status, "429" | "503") {
            obj.insert("headers".into(), retry_after());
        }
    }
}

/// What every operation of this shape can be refused with.
fn shared_errors(path: &str, method: &str, op: &mut Map<String, Value>) {
    let has_body = op.contains_key("requestBody");
    let has_query = op
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| ps.iter().any(|p| p.get("in").and_then(Value::as_str) == Some("query")));
    let secured = op.contains_key("security");
    let write = method != "get";
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    ensure(
        responses,
        "401",
        if secured {
            "`unauthenticated`: sign in, or send a valid API token or device credential."
        } else {
            "`unauthenticated`: a credential was sent but is not valid (expired, revoked or mistyped); send none for public access."
        },
    );
    if secured || write {
        ensure(
            responses,
            "403",
            "`forbidden`: this account may not do this here; `csrf`: a write made with the session cookie lacks a valid `X-CSRF-Token`.",
        );
    }
    if path.contains('{') {
        ensure(responses, "404", "`not_found`: no such record, or not one the caller may see.");
    }
    if has_query || path.contains('{') {
        ensure(responses, "400", "`invalid_query`: a parameter is malformed or holds a NUL character.");
    }
    if has_query || path.contains('{') || has_body {
        ensure(responses, "400", "`invalid_value`: a value is outside what can be stored (a year beyond 1900–2200).");
    }
    if has_body {
        ensure(responses, "400", "`invalid_json`: the body is not JSON of the documented shape.");
        ensure(responses, "408", "`request_timeout`: the body stopped arriving before it was complete.");
        ensure(responses, "413", "`payload_too_large`: the body is larger than this operation accepts.");
        ensure(responses, "422", "`invalid_input`: `fields` names each missing or wrong value, in both languages.");
    }
    if write {
        ensure(responses, "415", "`unsupported_media_type`: send the body as `Content-Type: application/json`.");
    }
    if responses.contains_key("429") {
        ensure(responses, "429", "`rate_limited`: too many requests from this address.");
    }
    ensure(responses, "503", "`busy`: the database is saturated; nothing was changed. Retry after `Retry-After`.");
    if responses.contains_key("409") {
        ensure(
            responses,
            "409",
            "`conflict`: a value that must be unique is taken (`fields` names it); or a refusal named by its code.",
        );
    }
}

/// The list of error codes, for the error schema.
fn codes() -> (Vec<Value>, String) {
    let mut values = Vec::new();
    let mut table = String::from("Stable codes:\n\n");
    for (code, what) in GENERIC_CODES {
        values.push(Value::String((*code).into()));
        table.push_str(&format!("- `{code}`: {what}\n"));
    }
    for r in Refusal::ALL {
        values.push(Value::String(r.code().into()));
        table.push_str(&format!("- `{}`: {}\n", r.code(), refusal_doc(*r)));
    }
    (values, table)
}

/// One line on each refusal (the English message without its variables).
fn refusal_doc(r: Refusal) -> String {
    let text = crate::i18n::Lang::En.t(r.key());
    text.replace(['\u{2068}', '\u{2069}'], "")
}

/// The document as served: shared refusals on every operation, unique
/// operation ids, security schemes, the error codes.
pub fn finish(doc: OpenApi) -> String {
    let mut v = serde_json::to_value(&doc).unwrap_or_else(|_| json!({}));
    let mut seen = std::collections::HashMap::<String, usize>::new();
    if let Some(paths) = v.get("paths").and_then(Value::as_object) {
        for item in paths.values() {
            for op in item.as_object().into_iter().flat_map(|m| m.values()) {
                if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                    *seen.entry(id.to_string()).or_default() += 1;
                }
            }
        }
    }
    if let Some(paths) = v.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, op) in item.iter_mut() {
                let Some(op) = op.as_object_mut() else { continue };
                shared_errors(path, method, op);
                // Handlers of different subjects share names (`cancel`): prefix those with their tag.
                let id = op.get("operationId").and_then(Value::as_str).map(str::to_string);
                let tag = op.get("tags").and_then(|t| t.get(0)).and_then(Value::as_str).map(str::to_string);
                if let (Some(id), Some(tag)) = (id, tag)
                    && seen.get(&id).copied().unwrap_or(0) > 1
                {
                    op.insert("operationId".into(), Value::String(format!("{tag}_{id}")));
                }
            }
        }
    }
    let components = v.as_object_mut().map(|o| o.entry("components").or_insert_with(|| json!({})));
    if let Some(components) = components.and_then(Value::as_object_mut) {
        components.insert(
            "securitySchemes".into(),
            json!({
                "token": { "type": "http", "scheme": "bearer",
                    "description": "An API token (`sat_…`) issued by an administrator (Administrasi → Token API)." },
                "session": { "type": "apiKey", "in": "cookie", "name": "sat_session",
                    "description": "The browser session from `POST /api/v1/session`; writes also need `X-CSRF-Token`." },
                "device": { "type": "apiKey", "in": "header", "name": "X-Device-Token",
                    "description": "A kiosk's, board's or tablet's credential (`sat_dev_…`), given once at pairing." },
            }),
        );
        let (values, table) = codes();
        if let Some(code) = components
            .get_mut("schemas")
            .and_then(|s| s.get_mut("ApiErrorDetail"))
            .and_then(|s| s.get_mut("properties"))
            .and_then(|p| p.get_mut("code"))
            .and_then(Value::as_object_mut)
        {
            code.insert("enum".into(), Value::Array(values));
            code.insert("description".into(), Value::String(table));
        }
    }
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// Schemas are named by their type's name, so two types of one name would
    /// silently share one schema (one of them described wrongly). Read every
    /// `ToSchema` type from the sources and refuse a repeated name.
    #[test]
    fn no_two_schema_types_share_a_name() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).expect("source dir").flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for c in ["domain", "service", "web"] {
            walk(&root.join(c).join("src"), &mut files);
        }
        let mut seen: std::collections::HashMap<String, String> = Default::default();
        for f in files {
            let text = std::fs::read_to_string(&f).expect("source");
            let mut pending: Option<Option<String>> = None;
            for line in text.lines().map(str::trim) {
                if line.starts_with("#[derive(") && line.contains("ToSchema") {
                    pending = Some(None);
                } else if let (Some(p), Some(rest)) = (pending.as_mut(), line.strip_prefix("#[schema(as = ")) {
                    *p = Some(rest.trim_end_matches(")]").rsplit("::").next().unwrap_or(rest).to_string());
                } else if let Some(p) =
                    pending.take_if(|_| line.starts_with("pub struct ") || line.starts_with("pub enum "))
                {
                    let name =
                        line.split_whitespace().nth(2).unwrap_or("").split(['<', '{', '(', ';']).next().unwrap_or("");
                    let name = p.unwrap_or_else(|| name.to_string());
                    let at = f.display().to_string();
                    if let Some(before) = seen.insert(name.clone(), at.clone()) {
                        assert_eq!(
                            before, at,
                            "schema `{name}` is defined in {before} and in {at}: rename one or add #[schema(as = …)]"
                        );
                    }
                }
            }
        }
        assert!(seen.len() > 50, "found only {} schema types", seen.len());
    }

    fn doc() -> Value {
        serde_json::from_str(&crate::api::openapi_json()).expect("the document is JSON")
    }

    fn operations(v: &Value) -> Vec<(String, String, Value)> {
        let mut out = Vec::new();
        for (path, item) in v["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                out.push((path.clone(), method.clone(), op.clone()));
            }
        }
        out
    }

    /// Integrators build on this file: a change to it is a change to the contract.
    /// Review the diff, then `UPDATE_OPENAPI=1 cargo test -p satuatap-web openapi`.
    #[test]
    fn the_openapi_document_matches_its_snapshot() {
        let json = crate::api::openapi_json();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(path, format!("{json}\n")).expect("write docs/openapi.json");
            return;
        }
        let want = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            want.trim_end() == json.as_str(),
            "docs/openapi.json differs from the routes' document: review, then UPDATE_OPENAPI=1 cargo test -p satuatap-web openapi"
        );
    }

    #[test]
    fn every_operation_is_named_summarised_and_refuses_in_the_documented_shape() {
        let v = doc();
        let mut ids = HashSet::new();
        for (path, method, op) in operations(&v) {
            let id = op["operationId"].as_str().unwrap_or_default().to_string();
            assert!(ids.insert(id.clone()), "{method} {path}: operationId {id} twice");
            assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{method} {path}: no summary");
            assert!(op["tags"][0].is_string(), "{method} {path}: no tag");
            for (status, r) in op["responses"].as_object().into_iter().flatten() {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        r["content"]["application/json"]["schema"]["$ref"], ERROR_REF,
                        "{method} {path} {status}: not the error body"
                    );
                    assert!(r["description"].as_str().is_some_and(|d| d.contains('`')), "{method} {path} {status}");
                }
            }
            assert!(op["responses"]["503"].is_object(), "{method} {path}: 503 undocumented");
            if path.contains('{') {
                assert!(op["responses"]["404"].is_object(), "{method} {path}: 404 undocumented");
            }
            if op["requestBody"].is_object() {
                for s in ["400", "413", "415", "422"] {
                    assert!(op["responses"][s].is_object(), "{method} {path}: {s} undocumented");
                }
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap_or_default();
                if p["in"] == "path" {
                    assert!(path.contains(&format!("{{{name}}}")), "{method} {path}: {name} is not in the path");
                }
            }
        }
        assert!(ids.len() > 90, "{} operations", ids.len());
    }

    #[test]
    fn the_error_codes_list_every_refusal() {
        let v = doc();
        let listed: HashSet<&str> = v["components"]["schemas"]["ApiErrorDetail"]["properties"]["code"]["enum"]
            .as_array()
            .expect("the codes are an enum")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for r in Refusal::ALL {
            assert!(listed.contains(r.code()), "{} not listed", r.code());
        }
        for (code, _) in GENERIC_CODES {
            assert!(listed.contains(code), "{code} not listed");
        }
    }

    /// A handler limited per address must say it may answer 429.
    #[test]
    fn throttled_operations_document_429() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/api");
        for entry in std::fs::read_dir(dir).expect("api sources") {
            let path = entry.expect("entry").path();
            let src = std::fs::read_to_string(&path).expect("source");
            for chunk in src.split("#[utoipa::path(").skip(1) {
                let (attr, rest) = chunk.split_once(")]\n").unwrap_or((chunk, ""));
                let signature = rest.split('{').next().unwrap_or_default();
                if signature.contains("Throttle<") {
                    assert!(attr.contains("status = 429"), "{}: {}", path.display(), signature.trim());
                }
            }
        }
    }
}
