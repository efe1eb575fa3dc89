//! What the OpenAPI document says beyond the handlers' annotations.
//!
//! The answers every operation can give besides its own are written in from the gate's table
//! ([`crate::routes::ROUTES`]) and from what the extractors do, so that no handler has to repeat
//! them and none can forget one:
//!
//! - a route that needs authentication reads the `Vigie-Org` header and answers 401 (no valid
//!   credentials), 403 (the role or the
//!   token's scopes lack its permission, or a session's change lacks its CSRF token) and 404 (an
//!   organization named in `Vigie-Org` that the caller does not belong to);
//! - a route that reads a body answers 400 (unreadable), 413 (too large) and 415 (wrong type);
//! - a route with path or query parameters answers 400 when one cannot be read;
//! - a public route answers 429 with `Retry-After` when a client address sends too much.
//!
//! And a nullable formatted value (`Option<Timestamp>` …) is written `oneOf: [{string,
//! date-time}, null]` rather than `type: [string, null], format: date-time`: the two mean the
//! same, but generators (schemathesis among them) drop the format of a type list and then send
//! `""` as a valid date-time.

use utoipa::openapi::path::{Operation, Parameter, ParameterIn};
use utoipa::openapi::schema::{ArrayItems, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, OpenApi, Ref, RefOr, ResponseBuilder};
use vigie_core::Permission;

use crate::routes::route_permission;

/// The operations of a path item, with their method.
fn operations(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<Item = (axum::http::Method, &mut Operation)> {
    use axum::http::Method;
    [
        (Method::GET, item.get.as_mut()),
        (Method::POST, item.post.as_mut()),
        (Method::PUT, item.put.as_mut()),
        (Method::PATCH, item.patch.as_mut()),
        (Method::DELETE, item.delete.as_mut()),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.map(|op| (m, op)))
}

/// Adds the answers of the module documentation to every operation that lacks them; an answer a
/// handler documents itself (with its own wording) is kept.
pub fn complete_responses(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, op) in operations(item) {
            let permission = route_permission(&method, path);
            let has_body = op.request_body.is_some();
            let has_params = op.parameters.iter().flatten().any(|p| match p {
                RefOr::T(Parameter { parameter_in, .. }) => {
                    matches!(parameter_in, ParameterIn::Path | ParameterIn::Query)
                }
                RefOr::Ref(_) => true,
            });
            if has_body {
                add(
                    op,
                    400,
                    "The body cannot be read, or a field is missing or invalid (`field` names it)",
                );
                add(op, 413, "The body is larger than the limit");
                add(
                    op,
                    415,
                    "The body is not of the type this operation reads (`Content-Type`)",
                );
            }
            if has_params {
                add(op, 400, "A parameter cannot be read (`field` names it)");
            }
            match permission {
                Some(Permission::Public) => add_rate_limited(op),
                _ => {
                    declare_org_header(op);
                    add(
                        op,
                        401,
                        "No valid credentials: no token or session, or one unknown, revoked or expired",
                    );
                    add(
                        op,
                        403,
                        "The role or the token's scopes lack this operation's permission, or a change made with a session cookie lacks its `X-CSRF-Token`",
                    );
                    add(
                        op,
                        404,
                        "Unknown organization: `Vigie-Org` names one the caller does not belong to (code `unknown_organization`)",
                    );
                }
            }
        }
    }
}

/// The gate reads `Vigie-Org` on every authenticated route, whether or not its handler names it.
fn declare_org_header(op: &mut Operation) {
    let parameters = op.parameters.get_or_insert_with(Vec::new);
    let declared = parameters.iter().any(|p| {
        matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Header
            && p.name.eq_ignore_ascii_case(crate::ORG_HEADER))
    });
    if !declared {
        use utoipa::IntoParams as _;
        parameters.extend(
            crate::api::OrgHeader::into_params(|| None)
                .into_iter()
                .map(RefOr::T),
        );
    }
}

/// Documents `status` with the error body, unless the operation already documents it.
fn add(op: &mut Operation, status: u16, description: &str) {
    op.responses
        .responses
        .entry(status.to_string())
        .or_insert_with(|| error_response(description).build().into());
}

fn error_response(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build(),
    )
}

fn add_rate_limited(op: &mut Operation) {
    op.responses
        .responses
        .entry("429".into())
        .or_insert_with(|| {
            error_response("Too many requests from this address (code `rate_limited`)")
                .header(
                    "Retry-After",
                    HeaderBuilder::new()
                        .schema(Some(
                            ObjectBuilder::new()
                                .schema_type(Type::Integer)
                                .minimum(Some(1)),
                        ))
                        .description(Some("Seconds to wait before trying again"))
                        .build(),
                )
                .build()
                .into()
        });
}

/// Rewrites every nullable formatted value of the components as a `oneOf` (module documentation).
pub fn split_nullable_formats(doc: &mut OpenApi) {
    if let Some(components) = doc.components.as_mut() {
        for schema in components.schemas.values_mut() {
            split_in(schema);
        }
    }
}

fn split_in(schema: &mut RefOr<Schema>) {
    let RefOr::T(s) = schema else { return };
    match s {
        Schema::Object(o) => {
            for property in o.properties.values_mut() {
                split_in(property);
            }
            if let SchemaType::Array(types) = &o.schema_type
                && o.format.is_some()
                && types.contains(&Type::Null)
                && let [kind] = types
                    .iter()
                    .filter(|t| **t != Type::Null)
                    .collect::<Vec<_>>()[..]
            {
                let description = o.description.take();
                let mut value = o.clone();
                value.schema_type = SchemaType::Type(kind.clone());
                let one_of = OneOfBuilder::new()
                    .item(Schema::Object(value))
                    .item(ObjectBuilder::new().schema_type(Type::Null))
                    .description(description);
                *s = Schema::OneOf(one_of.build());
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                split_in(items);
            }
        }
        Schema::OneOf(o) => o.items.iter_mut().for_each(split_in),
        Schema::AllOf(o) => o.items.iter_mut().for_each(split_in),
        Schema::AnyOf(o) => o.items.iter_mut().for_each(split_in),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use utoipa::openapi::path::Operation;

    /// Every operation of the served document, with its method and path.
    fn each_operation(mut f: impl FnMut(&str, &str, &Operation)) {
        let doc = crate::openapi();
        for (path, item) in &doc.paths.paths {
            for (method, op) in [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("PATCH", &item.patch),
                ("DELETE", &item.delete),
            ] {
                if let Some(op) = op {
                    f(method, path, op);
                }
            }
        }
    }

    fn documents(op: &Operation, status: &str) -> bool {
        op.responses.responses.contains_key(status)
    }

    #[test]
    fn every_operation_documents_the_refusals_it_can_answer() {
        let mut missing = Vec::new();
        let mut operations = 0;
        each_operation(|method, path, op| {
            operations += 1;
            let permission =
                crate::routes::route_permission(&method.parse().unwrap(), path).unwrap();
            let mut needed = Vec::new();
            if permission == vigie_core::Permission::Public {
                needed.push("429");
            } else {
                needed.extend(["401", "403", "404"]);
                let names_org =
                    op.parameters.iter().flatten().any(
                        |p| matches!(p, utoipa::openapi::RefOr::T(p) if p.name == "Vigie-Org"),
                    );
                assert!(
                    names_org,
                    "{method} {path} does not declare the Vigie-Org header"
                );
                assert!(
                    op.security.as_ref().is_some_and(|s| !s.is_empty()),
                    "{method} {path} needs {permission} but declares no security requirement"
                );
            }
            if op.request_body.is_some() {
                needed.extend(["400", "413", "415"]);
            }
            for status in needed {
                if !documents(op, status) {
                    missing.push(format!("{method} {path}: {status}"));
                }
            }
        });
        assert!(
            operations > 30,
            "only {operations} operations in the document"
        );
        assert!(missing.is_empty(), "undocumented answers: {missing:#?}");
    }

    #[test]
    fn every_error_answer_has_the_error_body() {
        let mut wrong = Vec::new();
        each_operation(|method, path, op| {
            for (status, response) in &op.responses.responses {
                if !(status.starts_with('4') || status.starts_with('5')) {
                    continue;
                }
                let utoipa::openapi::RefOr::T(response) = response else {
                    continue;
                };
                let error_body = match response.content.get("application/json") {
                    Some(utoipa::openapi::RefOr::T(content)) => matches!(
                        &content.schema,
                        Some(utoipa::openapi::RefOr::Ref(r)) if r.ref_location.ends_with("/ErrorBody")
                    ),
                    _ => false,
                };
                if !error_body {
                    wrong.push(format!("{method} {path}: {status}"));
                }
            }
        });
        assert!(
            wrong.is_empty(),
            "error answers without ErrorBody: {wrong:#?}"
        );
    }
}
