//! `/metrics`: Prometheus text, request latencies under route templates (never a path with a
//! contact reference or an identifier in it), screenings counted, the organization's open
//! requests by urgency; refused to anyone without the `metrics` permission.

use crate::common::*;
use crate::screenings::{CAMPAIGN, TARGETS, small_base};

both_stores! {
    async fn the_scrape_names_route_templates_and_no_identifier(app) {
        small_base(&app).await;
        // Identifiers and references in paths and queries, on routes that exist and on others.
        assert_eq!(app.get("/api/v1/contacts/C001").await.status, StatusCode::OK);
        app.get("/api/v1/contacts/REF-SECRET-4711").await.error(404, "not_found");
        app.get("/api/v1/contacts?email=marie.martin@orange.fr").await;
        app.get("/api/v1/contacts/paul.durand@example.fr/events").await;
        app.get("/no/such/route/+33612345678").await.error(404, "not_found");
        let job = app.screen(CAMPAIGN, TARGETS).await;
        assert_eq!(app.wait(&job).await["status"], "done");
        // An open request: on track (received today, due in a month).
        let org = app.store.require_org(vigie_store::DEFAULT_ORG).await.unwrap();
        vigie_dsar::Dsar::new(app.store.clone())
            .file(&org, vigie_core::dsar::RequestKind::Access,
                vigie_store::Identifier::Email(vigie_core::Email::parse("marie.martin@orange.fr").unwrap()),
                true, None, &vigie_dsar::Actor::public(None))
            .await
            .unwrap();

        let a = app.get("/metrics").await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert!(a.header("content-type").starts_with("text/plain; version=0.0.4"), "{:?}", a.headers);
        let text = &a.text;
        for expected in [
            "route=\"/api/v1/contacts/{contact_ref}\"",
            "route=\"/api/v1/contacts/{contact_ref}/events\"",
            "route=\"(no route)\"",
            "vigie_http_request_duration_seconds_bucket{",
            "vigie_screenings_total{channel=\"email\",outcome=\"screened\"} 1",
            "vigie_screening_rows_total{channel=\"email\"} 4",
            "vigie_requests_open{urgency=\"on_track\"} 1",
            "vigie_requests_open{urgency=\"overdue\"} 0",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
        }
        for secret in [
            "C001", "REF-SECRET", "4711", "marie", "orange.fr", "paul", "example.fr", "33612345678",
            "?email",
        ] {
            assert!(!text.contains(secret), "{secret:?} in the scrape:\n{text}");
        }
    }

    async fn the_scrape_is_refused_without_the_metrics_permission(app) {
        app.send(app.anonymous(Method::GET, "/metrics")).await.error(401, "unauthenticated");
        // A token with every scope but `metrics`.
        let org = app.store.require_org(vigie_store::DEFAULT_ORG).await.unwrap();
        let scopes: Vec<_> = vigie_core::Permission::scopes()
            .filter(|p| *p != vigie_core::Permission::Metrics)
            .collect();
        let token = app.store.create_token(org.id, "no metrics", &scopes, None, "test")
            .await
            .unwrap()
            .secret;
        app.send(app.anonymous(Method::GET, "/metrics").bearer_auth(&token)).await
            .error(403, "forbidden");
        // A DPO signed in: not an admin.
        let (cookie, _) = signed_in(&app.store, "dpo@example.org", vigie_core::Role::Dpo, &["default"]).await;
        let a = app.send(app.anonymous(Method::GET, "/metrics").header("cookie", cookie)).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text);
        // An admin signed in may.
        let (cookie, _) = signed_in(&app.store, "admin@example.org", vigie_core::Role::Admin, &["default"]).await;
        let a = app.send(app.anonymous(Method::GET, "/metrics").header("cookie", cookie)).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    }
}
