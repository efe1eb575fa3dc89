//! The registers' pages: the overview with every gap, the sheets (the DPIA's risk map drawn as
//! SVG), and the forms of a DPO (profile, activity, processor) saving new versions; auditors
//! and marketers see the pages without the forms.

use vigie_core::Role;
use vigie_store::DEFAULT_ORG;

use crate::common::*;

const DEMO: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../vigie/src/demo_registers.yaml"
));

both_stores! {
    async fn the_registers_pages_show_every_gap_and_save_forms(app) {
        let (cookie, csrf) = signed_in(&app.store, "dpo@example.org", Role::Dpo, &[DEFAULT_ORG]).await;
        let get = |path: &str| app.send(app.anonymous(Method::GET, path).header("cookie", cookie.clone()));
        let post = |path: &str, form: Vec<(&str, &str)>| {
            let mut form = form;
            form.push(("csrf", csrf.as_str()));
            app.send(app.anonymous(Method::POST, path).header("cookie", cookie.clone()).form(&form))
        };
        // No registers yet: the overview says so; the profile form creates them.
        let a = get("/registers").await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.text.contains("vigie registers apply"), "{}", a.text);
        let a = post("/registers/profile", vec![("version", "0"), ("legal_name", "Optique Horizon SAS"),
            ("address", "14 rue des Lunetiers, Lyon"), ("dpo_name", "Julien Marchand"), ("dpo_contact", "dpo@example.org"),
            ("role_controller", "on")]).await;
        // Saved, then back on a page that says so (the client follows the 303).
        assert!(a.status == StatusCode::OK && a.text.contains("Registre enregistré."), "{}", a.text);
        let stored = app.store.registers(app.store.require_org(DEFAULT_ORG).await.unwrap().id).await.unwrap().unwrap();
        assert_eq!(stored.registers.profile.dpo.unwrap().name, "Julien Marchand");

        // A processor in Tunisia without safeguard nor clauses: flagged on its page and the overview.
        let a = post("/registers/processors", vec![("version", "1"), ("id", "callcentre"), ("name", "Atlas Contact SARL"),
            ("services", "Appels sortants"), ("data", "Nom\nTéléphone"), ("country", "TN"), ("safeguard", "")]).await;
        // Saved, then back on a page that says so (the client follows the 303).
        assert!(a.status == StatusCode::OK && a.text.contains("Registre enregistré."), "{}", a.text);
        let page = get("/registers/processors/callcentre").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("TRANSFER_WITHOUT_BASIS") && page.text.contains("MISSING_CLAUSE"), "{}", page.text);
        let overview = get("/registers").await.text;
        assert!(overview.contains("TRANSFER_WITHOUT_BASIS"), "{overview}");
        // Clauses recorded: no longer flagged.
        let mut form = vec![("version", "2"), ("id", "callcentre"), ("name", "Atlas Contact SARL"),
            ("services", "Appels sortants"), ("data", "Nom"), ("country", "TN"), ("safeguard", "scc")];
        let clauses: Vec<String> = vigie_core::registers::Art28Clause::ALL.iter().map(|c| format!("clause_{}", c.as_str())).collect();
        for c in &clauses { form.push((c.as_str(), "on")); }
        assert!(post("/registers/processors", form).await.text.contains("Registre enregistré."));
        let page = get("/registers/processors/callcentre").await.text;
        assert!(!page.contains("TRANSFER_WITHOUT_BASIS") && !page.contains("MISSING_CLAUSE"), "{page}");

        // An activity with a bad country in a transfer: refused with the line named, nothing saved.
        let a = post("/registers/activities", vec![("version", "3"), ("id", "prospecting-phone"), ("name", "Prospection téléphonique"),
            ("purposes", "Prendre des rendez-vous"), ("legal_basis", "legitimate_interests"), ("categories_of_persons", "Prospects"),
            ("general_data", "Nom\nTéléphone"), ("processors", "callcentre"), ("transfers", "Atlas ; TUN ; scc"),
            ("retention", "3 ans"), ("security_measures", "Chiffrement"), ("crit_large_scale", "on"), ("crit_systematic_monitoring", "on")]).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert!(a.text.contains("transfers, line 1"), "{}", a.text);
        // The form comes back as typed, the refusal beside its field and the alert leading to it.
        assert!(a.text.contains("value=\"Prospection téléphonique\"") && a.text.contains(">Atlas ; TUN ; scc</textarea>")
            && a.text.contains("name=\"crit_large_scale\" value=\"on\" checked"), "{}", a.text);
        assert!(a.text.contains("id=\"f-transfers-error\"") && a.text.contains("href=\"#f-transfers\""), "{}", a.text);
        // A new record's identifier can still be changed.
        assert!(!a.text.contains("readonly"), "{}", a.text);
        let a = post("/registers/activities", vec![("version", "3"), ("id", "prospecting-phone"), ("name", "Prospection téléphonique"),
            ("purposes", "Prendre des rendez-vous"), ("legal_basis", "legitimate_interests"), ("categories_of_persons", "Prospects"),
            ("general_data", "Nom\nTéléphone"), ("processors", "callcentre"), ("transfers", "Atlas ; TN ; scc"),
            ("retention", "3 ans"), ("security_measures", "Chiffrement"), ("crit_large_scale", "on"), ("crit_systematic_monitoring", "on"),
            ("vd_prospecting_phone", "on")]).await;
        // Saved, then back on a page that says so (the client follows the 303).
        assert!(a.status == StatusCode::OK && a.text.contains("Registre enregistré."), "{}", a.text);
        let sheet = get("/registers/activities/prospecting-phone").await.text;
        assert!(sheet.contains("DPIA_MISSING") && sheet.contains("Atlas (TN)"), "{sheet}");
        // A stale version is refused.
        let a = post("/registers/processors", vec![("version", "1"), ("id", "callcentre"), ("name", "X"),
            ("services", "x"), ("data", "x"), ("country", "FR")]).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert!(a.text.contains("conflict"), "{}", a.text);
    }

    async fn the_dpia_page_draws_the_risk_map_and_readers_get_no_forms(app) {
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let r = vigie_core::registers::from_yaml(DEMO).unwrap();
        app.store.save_registers(org.id, &r, None, vigie_store::AuditEvent { actor: "test".into(), action: "registers.apply".into(), ..Default::default() }).await.unwrap();
        let (cookie, _) = signed_in(&app.store, "auditor@example.org", Role::Auditor, &[DEFAULT_ORG]).await;
        let get = |path: &str| app.send(app.anonymous(Method::GET, path).header("cookie", cookie.clone()));
        let a = get("/registers/dpias/dpia-phone").await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.text.contains("<svg") && a.text.matches("<circle").count() == 6, "three risks, before and after: {}", a.text);
        assert!(a.text.contains("DPIA_UNSIGNED"), "{}", a.text);
        let overview = get("/registers").await.text;
        assert!(overview.contains("REVIEW_OVERDUE") || overview.contains("MISSING_CLAUSE"), "{overview}");
        assert!(!overview.contains("/registers/activities/new"), "an auditor gets no forms");
        assert_eq!(get("/registers/activities/new").await.status, StatusCode::FORBIDDEN);
        assert_eq!(get("/registers/activities/nowhere").await.status, StatusCode::NOT_FOUND);
    }

    async fn a_dpo_records_a_dpia_through_the_form_and_the_flags_follow(app) {
        let org = app.store.require_org(DEFAULT_ORG).await.unwrap();
        let mut r = vigie_core::registers::from_yaml(DEMO).unwrap();
        r.dpias.clear();
        app.store.save_registers(org.id, &r, None, vigie_store::AuditEvent { actor: "test".into(), action: "registers.apply".into(), ..Default::default() }).await.unwrap();
        let (cookie, csrf) = signed_in(&app.store, "dpo@example.org", Role::Dpo, &[DEFAULT_ORG]).await;
        let get = |path: &str| app.send(app.anonymous(Method::GET, path).header("cookie", cookie.clone()));
        let post = |form: Vec<(&str, &str)>| {
            let mut form = form;
            form.push(("csrf", csrf.as_str()));
            app.send(app.anonymous(Method::POST, "/registers/dpias").header("cookie", cookie.clone()).form(&form))
        };
        let overview = get("/registers").await.text;
        assert!(overview.contains("/registers/dpias/new"), "{overview}");
        assert!(get("/registers/activities/prospecting-phone").await.text.contains("DPIA_MISSING"));
        let form = get("/registers/dpias/new").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.text.contains("name=\"illegitimate_access_severity\"") && form.text.contains("value=\"prospecting-phone\""), "{}", form.text);
        let mut fields = vec![("version", "1"), ("id", "dpia-phone"), ("activity", "prospecting-phone"),
            ("illegitimate_access_severity", "significant"), ("illegitimate_access_likelihood", "significant"),
            ("illegitimate_access_controls", "Chiffrement\nHabilitations"),
            ("illegitimate_access_residual_severity", "limited"), ("illegitimate_access_residual_likelihood", "limited"),
            ("signed_off_by", "Julien Marchand"), ("review_on", "2027-06-30")];
        // A bad date: refused with its field named, nothing saved.
        fields.push(("signed_off_on", "2026-13-45"));
        let a = post(fields.clone()).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert!(a.text.contains("signed_off_on"), "{}", a.text);
        assert!(a.text.contains("id=\"f-signed_off_on-error\"") && a.text.contains("value=\"Julien Marchand\"")
            && a.text.contains("Chiffrement\nHabilitations</textarea>"), "typed values kept: {}", a.text);
        let stored = app.store.registers(org.id).await.unwrap().unwrap();
        assert!(stored.registers.dpias.is_empty() && stored.version == 1);
        // A risk half assessed: refused, the missing level named.
        fields.pop();
        fields.push(("signed_off_on", "2026-12-01"));
        let mut half = fields.clone();
        half.push(("disappearance_severity", "limited"));
        let a = post(half).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert!(a.text.contains("disappearance_likelihood"), "{}", a.text);
        // Signed: saved, and the activity is no longer flagged.
        let a = post(fields).await;
        assert!(a.status == StatusCode::OK && a.text.contains("Registre enregistré."), "{}", a.text);
        let stored = app.store.registers(org.id).await.unwrap().unwrap();
        let d = stored.registers.dpia("dpia-phone").unwrap();
        assert_eq!((d.risks.len(), d.signed_off.as_ref().unwrap().by.as_str()), (1, "Julien Marchand"));
        assert_eq!(d.risks[0].controls, ["Chiffrement", "Habilitations"]);
        let sheet = get("/registers/activities/prospecting-phone").await.text;
        assert!(!sheet.contains("DPIA_MISSING") && !sheet.contains("DPIA_UNSIGNED"), "{sheet}");
        let page = get("/registers/dpias/dpia-phone").await.text;
        assert!(page.contains("/registers/dpias/dpia-phone/edit") && page.matches("<circle").count() == 2, "{page}");
        let edit = get("/registers/dpias/dpia-phone/edit").await;
        assert!(edit.status == StatusCode::OK && edit.text.contains("Julien Marchand"), "{}", edit.text);

        // An auditor reads the assessment but gets no form.
        let (cookie, csrf) = signed_in(&app.store, "auditor@example.org", Role::Auditor, &[DEFAULT_ORG]).await;
        let get = |path: &str| app.send(app.anonymous(Method::GET, path).header("cookie", cookie.clone()));
        let page = get("/registers/dpias/dpia-phone").await;
        assert!(page.status == StatusCode::OK && !page.text.contains("/registers/dpias/dpia-phone/edit"), "{}", page.text);
        assert!(!get("/registers").await.text.contains("/registers/dpias/new"));
        assert_eq!(get("/registers/dpias/new").await.status, StatusCode::FORBIDDEN);
        assert_eq!(get("/registers/dpias/dpia-phone/edit").await.status, StatusCode::FORBIDDEN);
        let a = app.send(app.anonymous(Method::POST, "/registers/dpias").header("cookie", cookie.clone())
            .form(&[("version", "2"), ("id", "dpia-x"), ("activity", "prospecting-phone"), ("csrf", csrf.as_str())])).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert_eq!(app.store.registers(org.id).await.unwrap().unwrap().version, 2);
    }
}
