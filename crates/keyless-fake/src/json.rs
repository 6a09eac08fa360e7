//! JSON answers: every body the fakes send is JSON with `Content-Type: application/json`.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;

/// The content type of every answer, errors included (the Go SDK decodes nothing else).
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json";

/// Serialises `body` into a response with `status`.
///
/// Serialising the wire types into a `Vec` cannot fail; if it ever did, the caller still gets
/// a JSON 500 rather than a panic or an empty body.
pub(crate) fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => raw_json_response(status, bytes),
        Err(_) => raw_json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            br#"{"error":"internal server error: the answer could not be encoded"}"#.to_vec(),
        ),
    }
}

/// A response with `status`, the JSON content type and `bytes` as the body, sent as is.
pub(crate) fn raw_json_response(status: StatusCode, bytes: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_CONTENT_TYPE),
    );
    response
}

/// A description of a JSON decoding error that never quotes the input.
///
/// serde_json's own message can echo a fragment of the offending value ("invalid type: string
/// \"…\""), and request bodies carry secrets, so only the category and position are kept.
pub(crate) fn describe_json_error(error: &serde_json::Error) -> String {
    // "missing field `names` at line 1 column 2" names a field, never a value: keep it.
    let message = error.to_string();
    if let Some(rest) = message.strip_prefix("missing field `")
        && let Some((field, _)) = rest.split_once('`')
    {
        return format!("malformed request body: missing field {field}");
    }

    let category = match error.classify() {
        serde_json::error::Category::Io => "unreadable body",
        serde_json::error::Category::Syntax => "malformed JSON",
        serde_json::error::Category::Data => "a field is missing or has the wrong type",
        serde_json::error::Category::Eof => "the body ended early",
    };
    format!(
        "malformed request body: {category} (line {}, column {})",
        error.line(),
        error.column()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_errors_do_not_quote_the_input() {
        #[derive(Debug, serde::Deserialize)]
        struct Body {
            #[allow(dead_code)]
            value: u32,
        }
        let error = serde_json::from_str::<Body>(r#"{"value":"hunter2-secret"}"#).unwrap_err();
        let text = describe_json_error(&error);
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("wrong type"), "{text}");

        let missing = serde_json::from_str::<Body>("{}").unwrap_err();
        assert_eq!(
            describe_json_error(&missing),
            "malformed request body: missing field value"
        );
    }
}
