//! The OpenAPI 3.0 document of the JSON API, written by hand in `api/openapi.json` and
//! embedded. A test checks that its paths and methods are exactly [`crate::API_ROUTES`].

/// The document, as served at `/api/openapi.json`.
pub const DOCUMENT: &str = include_str!("../api/openapi.json");

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    #[test]
    fn document_lists_exactly_the_router_routes() {
        let doc: serde_json::Value =
            serde_json::from_str(super::DOCUMENT).expect("openapi.json is JSON");
        assert!(
            doc["openapi"]
                .as_str()
                .is_some_and(|v| v.starts_with("3.0"))
        );
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("path item").keys() {
                if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                    documented.insert((method.clone(), path.clone()));
                }
            }
        }
        let routed: BTreeSet<(String, String)> = crate::API_ROUTES
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        let missing: Vec<_> = routed.difference(&documented).collect();
        let extra: Vec<_> = documented.difference(&routed).collect();
        assert!(
            missing.is_empty(),
            "routes missing from openapi.json: {missing:?}"
        );
        assert!(
            extra.is_empty(),
            "openapi.json documents routes the router lacks: {extra:?}"
        );
    }

    #[test]
    fn security_is_declared_and_only_this_document_is_open() {
        let doc: serde_json::Value = serde_json::from_str(super::DOCUMENT).unwrap();
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");
        assert_eq!(schemes["sessionCookie"]["in"], "cookie");
        assert_eq!(
            schemes["sessionCookie"]["name"],
            crate::auth::SESSION_COOKIE
        );
        assert_eq!(doc["security"].as_array().map(Vec::len), Some(2));
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let open = op
                    .get("security")
                    .is_some_and(|s| s == &serde_json::json!([]));
                assert_eq!(
                    open,
                    crate::auth::is_public(path),
                    "{method} {path}: open in the document iff public in the router"
                );
            }
        }
    }

    #[test]
    fn every_schema_reference_resolves() {
        let doc: serde_json::Value = serde_json::from_str(super::DOCUMENT).unwrap();
        let text = super::DOCUMENT;
        for piece in text.split("\"$ref\": \"#/").skip(1) {
            let target = &piece[..piece.find('"').unwrap()];
            let pointer = format!("/{target}");
            assert!(
                doc.pointer(&pointer).is_some(),
                "unresolved $ref #/{target}"
            );
        }
    }
}
