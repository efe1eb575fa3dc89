//! The web pages' foundation from the outside: the gate checks CSRF on every change made with a
//! session cookie, the language is chosen once and remembered, refusals speak the reader's
//! language, destructive steps ask to confirm.

use vigie_core::Role;
use vigie_server::ROUTES;
use vigie_store::DEFAULT_ORG;

use crate::common::*;

fn concrete(template: &str) -> String {
    template
        .replace("{contact_ref}", "C-W1")
        .replace("{id}", "999999")
        .replace("{step}", "verify")
}

both_stores! {
    async fn every_cookie_change_without_the_csrf_token_is_refused_by_the_gate(app) {
        let (cookie, csrf) = signed_in(&app.store, "admin@example.org", Role::Admin, &[DEFAULT_ORG]).await;
        let mut checked = 0;
        for (method, template, permission) in ROUTES {
            if *permission == vigie_core::Permission::Public || ["GET", "HEAD"].contains(method) {
                continue;
            }
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let path = concrete(template);
            let form = |body: String| {
                app.anonymous(method.clone(), &path)
                    .header("cookie", &cookie)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body)
            };
            // No token at all, a wrong one in the form: refused before any handler runs.
            for body in [String::from("reason=x"), String::from("csrf=forged&reason=x")] {
                let a = app.send(form(body.clone())).await;
                assert_eq!(a.status, StatusCode::FORBIDDEN, "{method} {path} with {body:?}: {}", a.text);
                if !template.starts_with("/api/") {
                    assert!(a.headers["content-type"].to_str().unwrap().starts_with("text/html"));
                    assert!(a.text.contains("Le formulaire a expiré"), "{}", a.text);
                }
            }
            // The right token in the form field is enough (the pages' forms send no header).
            let a = app.send(form(format!("csrf={csrf}&reason=x"))).await;
            assert_ne!(a.status, StatusCode::FORBIDDEN, "{method} {path}: {}", a.text);
            checked += 1;
        }
        assert!(checked > 10, "the table has changes to check: {checked}");
    }

    async fn the_language_is_chosen_once_then_remembered(app) {
        let chosen = app.get("/?lang=en").await;
        assert!(chosen.text.contains("<html lang=\"en\">"), "{}", chosen.text);
        let set = chosen.headers["set-cookie"].to_str().unwrap();
        assert!(set.starts_with("vigie_lang=en;") && set.contains("Max-Age="), "{set}");
        // The remembered choice wins over the browser's languages; an explicit one over both.
        let remembered = app
            .send(app.req(Method::GET, "/contacts").header("cookie", "vigie_lang=en").header("accept-language", "fr"))
            .await;
        assert!(remembered.text.contains("<html lang=\"en\">"), "{}", remembered.text);
        assert!(!remembered.headers.contains_key("set-cookie"), "nothing new to remember");
        let back = app.send(app.req(Method::GET, "/?lang=fr").header("cookie", "vigie_lang=en")).await;
        assert!(back.text.contains("Tableau de bord"));
        assert!(back.headers["set-cookie"].to_str().unwrap().starts_with("vigie_lang=fr;"));
        // The public pages follow the remembered choice too.
        let login = app.send(app.anonymous(Method::GET, "/login").header("cookie", "vigie_lang=en")).await;
        assert!(login.text.contains("<html lang=\"en\">"), "{}", login.text);
    }

    async fn a_refusal_speaks_the_readers_language(app) {
        let (cookie, _) = signed_in(&app.store, "agent@example.org", Role::Agent, &[DEFAULT_ORG]).await;
        let fr = app.send(app.anonymous(Method::GET, "/contacts").header("cookie", &cookie)).await;
        assert_eq!(fr.status, StatusCode::FORBIDDEN);
        assert!(fr.text.contains("<html lang=\"fr\">") && fr.text.contains("Accès refusé"), "{}", fr.text);
        assert!(!fr.text.contains("Forbidden") && !fr.text.contains("permission"), "{}", fr.text);
        let en = app
            .send(app.anonymous(Method::GET, "/contacts").header("cookie", &cookie).header("accept-language", "en"))
            .await;
        assert!(en.text.contains("<html lang=\"en\">") && en.text.contains("Access denied"), "{}", en.text);
    }

    async fn pages_have_one_frame_with_landmarks_and_words_for_codes(app) {
        app.create(json!({"contact_ref": "C-W1", "email": "w1@example.org", "audience": "consumer",
            "customer": false, "collected_via": "in_store"}))
            .await;
        let page = app.get("/contacts/C-W1").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        for landmark in ["<a class=\"skip\" href=\"#main\">", "<header class=\"site\">", "<nav class=\"main\"",
            "<main id=\"main\"", "<footer>", "href=\"/contacts\" aria-current=\"page\""]
        {
            assert!(page.text.contains(landmark), "{landmark} missing: {}", page.text);
        }
        assert!(page.text.contains("en magasin") && !page.text.contains(">in_store<"), "{}", page.text);
        assert!(page.text.contains("<th scope=\"col\">"), "{}", page.text);
    }
}
