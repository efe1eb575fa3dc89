//! Accounts on both stores: members and roles per organization, set-up links, passwords, the
//! TOTP second factor and recovery codes, sessions and their expiry, API tokens and revocation.

use std::time::Duration;

use vigie_core::{Permission, Role};
use vigie_store::both_stores;
use vigie_store::testing::TestStore;
use vigie_store::*;

const PASSWORD: &str = "a long enough password";

/// A user who has chosen a password through a set-up link and enrolled TOTP; the base32 secret.
async fn enrolled(s: &Store, org: OrgId, email: &str, role: Role) -> (User, String) {
    let (user, created) = s.add_member(org, email, role).await.unwrap();
    assert!(created);
    let link = s.create_setup_secret(user.id).await.unwrap();
    assert_eq!(s.setup_user(&link).await.unwrap().unwrap().id, user.id);
    let user = s.redeem_setup(&link, PASSWORD).await.unwrap();
    assert!(user.has_password && !user.totp_enabled);
    // A set-up link works once.
    assert!(s.setup_user(&link).await.unwrap().is_none());
    assert!(matches!(
        s.redeem_setup(&link, PASSWORD).await,
        Err(StoreError::NotFound(_))
    ));
    let enrolment = s.begin_totp(user.id).await.unwrap();
    assert!(enrolment.otpauth_url.starts_with("otpauth://totp/Vigie:"));
    let now = jiff::Timestamp::now();
    let code = totp_code(&enrolment.secret_base32, now).unwrap();
    let codes = s
        .confirm_totp(user.id, &code, now)
        .await
        .unwrap()
        .expect("code accepted");
    assert_eq!(codes.len(), RECOVERY_CODES);
    let user = s.user(user.id).await.unwrap().unwrap();
    assert!(user.totp_enabled);
    (user, enrolment.secret_base32)
}

both_stores! {
    members_have_one_role_per_organization => |t: TestStore| async move {
        let s = &t.store;
        let a = s.require_org(DEFAULT_ORG).await.unwrap();
        let b = s.create_org("agency", "Agency").await.unwrap();
        let (u, created) = s.add_member(a.id, " Ana@Example.ORG ", Role::Dpo).await.unwrap();
        assert!(created);
        assert_eq!(u.email, "ana@example.org");
        let (same, created) = s.add_member(b.id, "ana@example.org", Role::Agent).await.unwrap();
        assert!(!created);
        assert_eq!(same.id, u.id);
        assert_eq!(s.role_in(u.id, a.id).await.unwrap(), Some(Role::Dpo));
        assert_eq!(s.role_in(u.id, b.id).await.unwrap(), Some(Role::Agent));
        // Adding again changes the role.
        s.add_member(a.id, "ana@example.org", Role::Auditor).await.unwrap();
        assert_eq!(s.role_in(u.id, a.id).await.unwrap(), Some(Role::Auditor));
        let slugs: Vec<_> = s.memberships(u.id).await.unwrap().into_iter().map(|m| m.org_slug).collect();
        assert_eq!(slugs, ["agency", "default"]);
        assert_eq!(s.members(b.id).await.unwrap().len(), 1);
        assert!(s.remove_member(b.id, u.id).await.unwrap());
        assert_eq!(s.role_in(u.id, b.id).await.unwrap(), None);
        assert!(matches!(s.add_member(a.id, "not an address", Role::Admin).await, Err(StoreError::Invalid(_))));
    };

    the_last_admin_can_be_neither_demoted_nor_removed => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        let (boss, _) = s.add_member(org.id, "boss@example.org", Role::Admin).await.unwrap();
        let last = |r| matches!(r, Err(StoreError::Conflict(ref m)) if m.contains("last admin"));
        assert!(last(s.add_member(org.id, "boss@example.org", Role::Dpo).await.map(|_| ())));
        assert!(last(s.remove_member(org.id, boss.id).await.map(|_| ())));
        assert_eq!(s.role_in(boss.id, org.id).await.unwrap(), Some(Role::Admin));
        // Re-granting admin to the last admin is no demotion.
        s.add_member(org.id, "boss@example.org", Role::Admin).await.unwrap();
        // An admin of another organization does not count.
        let other = s.create_org("agency", "Agency").await.unwrap();
        s.add_member(other.id, "elsewhere@example.org", Role::Admin).await.unwrap();
        assert!(last(s.remove_member(org.id, boss.id).await.map(|_| ())));
        // With a second admin, the first may step down, and then the second is the last.
        let (second, _) = s.add_member(org.id, "second@example.org", Role::Admin).await.unwrap();
        s.add_member(org.id, "boss@example.org", Role::Auditor).await.unwrap();
        assert_eq!(s.role_in(boss.id, org.id).await.unwrap(), Some(Role::Auditor));
        assert!(last(s.remove_member(org.id, second.id).await.map(|_| ())));
        assert!(s.remove_member(org.id, boss.id).await.unwrap());
        assert!(!s.remove_member(org.id, boss.id).await.unwrap());
    };

    passwords_and_second_factor => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        // Before set-up, no password opens the account.
        let (fresh, _) = s.add_member(org.id, "new@example.org", Role::Marketer).await.unwrap();
        assert!(s.check_password("new@example.org", "").await.unwrap().is_none());
        assert!(matches!(s.redeem_setup("made-up", PASSWORD).await, Err(StoreError::NotFound(_))));
        let link = s.create_setup_secret(fresh.id).await.unwrap();
        assert!(matches!(s.redeem_setup(&link, "short").await, Err(StoreError::Invalid(_))));

        let (user, secret) = enrolled(s, org.id, "dpo@example.org", Role::Dpo).await;
        assert_eq!(s.check_password("DPO@example.org", PASSWORD).await.unwrap().unwrap().id, user.id);
        assert!(s.check_password("dpo@example.org", "a wrong password!").await.unwrap().is_none());
        assert!(s.check_password("nobody@example.org", PASSWORD).await.unwrap().is_none());

        // A wrong code is refused; a right one is accepted once (no replay).
        let now = jiff::Timestamp::now();
        let later = now + jiff::SignedDuration::from_secs(60);
        let code = totp_code(&secret, later).unwrap();
        let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
        assert!(!s.check_second_factor(user.id, &wrong, later).await.unwrap());
        assert!(!s.check_second_factor(user.id, "abcdef", later).await.unwrap());
        assert!(s.check_second_factor(user.id, &code, later).await.unwrap());
        assert!(!s.check_second_factor(user.id, &code, later).await.unwrap(), "a code is used once");
        // A code from long ago is refused.
        let old = now - jiff::SignedDuration::from_secs(600);
        let old_code = totp_code(&secret, old).unwrap();
        assert!(!s.check_second_factor(user.id, &old_code, old + jiff::SignedDuration::from_secs(600)).await.unwrap()
            || old_code == totp_code(&secret, later).unwrap());

        // Recovery codes work once each.
        let codes = s.new_recovery_codes(user.id).await.unwrap();
        assert!(s.check_second_factor(user.id, &codes[0], now).await.unwrap());
        assert!(!s.check_second_factor(user.id, &codes[0], now).await.unwrap());
        assert!(s.check_second_factor(user.id, &codes[1].to_uppercase(), now).await.unwrap());
        // Enrolment cannot be restarted over a confirmed factor.
        assert!(matches!(s.begin_totp(user.id).await, Err(StoreError::Conflict(_))));
    };

    sign_in_holds_count_failures_and_survive_a_reopening => |t: TestStore| async move {
        let s = &t.store;
        let hold = Duration::from_secs(60);
        for _ in 0..4 {
            s.sign_in_failed("a@example.org", 5, hold).await.unwrap();
        }
        assert_eq!(s.sign_in_hold("a@example.org").await.unwrap(), None);
        s.sign_in_failed("A@example.org", 5, hold).await.unwrap();
        let wait = s.sign_in_hold("a@example.org").await.unwrap().expect("held back");
        assert!(wait > Duration::from_secs(50) && wait <= hold, "{wait:?}");
        assert_eq!(s.sign_in_hold("b@example.org").await.unwrap(), None);
        // Each further failure doubles the hold.
        s.sign_in_failed("a@example.org", 5, hold).await.unwrap();
        assert!(s.sign_in_hold("a@example.org").await.unwrap().unwrap() > hold);
        // The hold is in the database, not in a process: a store opened afresh sees it.
        let again = t.reopen_with(vigie_store::testing::test_vault()).await.unwrap();
        assert!(again.sign_in_hold("a@example.org").await.unwrap().is_some());
        again.sign_in_succeeded("a@example.org").await.unwrap();
        assert_eq!(s.sign_in_hold("a@example.org").await.unwrap(), None);
    };

    sessions_expire_and_end => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        let (user, _) = enrolled(s, org.id, "admin@example.org", Role::Admin).await;
        let policy = SessionPolicy::default();
        let (before, session) = s.create_session(user.id, false, policy).await.unwrap();
        assert!(!session.mfa_done);
        assert!(session.csrf.len() >= 24);
        // The second factor renews the session's secret and CSRF token (session fixation):
        // the value known before it no longer opens anything.
        let cookie = s.session_mfa_done(&before).await.unwrap();
        assert_ne!(cookie, before);
        let renewed = s.session(&cookie, policy).await.unwrap().unwrap();
        assert!(renewed.mfa_done);
        assert_ne!(renewed.csrf, session.csrf);
        assert!(s.session(&before, policy).await.unwrap().is_none());
        assert!(matches!(s.session_mfa_done(&before).await, Err(StoreError::NotFound(_))));
        assert!(s.session("not-a-session", policy).await.unwrap().is_none());

        // Idle for longer than the policy allows: gone.
        s.age_session(&cookie, policy.idle + Duration::from_secs(1)).await.unwrap();
        assert!(s.session(&cookie, policy).await.unwrap().is_none());

        // Past the absolute end, even if used a moment ago.
        let (cookie2, _) = s.create_session(user.id, true, policy).await.unwrap();
        let strict = SessionPolicy { idle: Duration::from_secs(3600), absolute: Duration::from_secs(1) };
        let (cookie3, _) = s.create_session(user.id, true, strict).await.unwrap();
        s.age_session(&cookie3, Duration::from_secs(2)).await.unwrap();
        assert!(s.session(&cookie3, policy).await.unwrap().is_none());

        // Logout ends it.
        assert!(s.session(&cookie2, policy).await.unwrap().is_some());
        s.end_session(&cookie2).await.unwrap();
        assert!(s.session(&cookie2, policy).await.unwrap().is_none());
    };

    tokens_are_hashed_scoped_and_revocable => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        let other = s.create_org("other", "Other").await.unwrap();
        let new = s
            .create_token(org.id, "CRM sync", &[Permission::ContactsRead, Permission::Decide], None, "user:admin@example.org")
            .await
            .unwrap();
        assert!(new.secret.starts_with(&format!("vigie_{}_", new.token.id)));
        let found = s.token_by_secret(&new.secret).await.unwrap().unwrap();
        assert_eq!(found, new.token);
        assert_eq!(found.scopes, [Permission::ContactsRead, Permission::Decide]);
        assert!(found.usable_at(jiff::Timestamp::now()));
        assert!(s.token_by_secret(&format!("{}x", new.secret)).await.unwrap().is_none());

        // Only the hash is stored.
        if let Some(file) = &t.sqlite_file {
            let bytes = std::fs::read(file).unwrap();
            let secret_part = new.secret.rsplit('_').next().unwrap();
            assert!(!bytes.windows(secret_part.len()).any(|w| w == secret_part.as_bytes()));
        }

        // Another organization cannot revoke it; its own can, once.
        assert!(!s.revoke_token(other.id, &new.token.id).await.unwrap());
        assert!(s.revoke_token(org.id, &new.token.id).await.unwrap());
        assert!(!s.revoke_token(org.id, &new.token.id).await.unwrap());
        let revoked = s.token_by_secret(&new.secret).await.unwrap().unwrap();
        assert!(!revoked.usable_at(jiff::Timestamp::now()));

        // Expiry.
        let past = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(1);
        let expired = s.create_token(org.id, "old", &[Permission::Decide], Some(past), "cli:root").await.unwrap();
        assert!(!expired.token.usable_at(jiff::Timestamp::now()));
        assert_eq!(s.tokens(org.id).await.unwrap().len(), 2);
        assert!(s.tokens(other.id).await.unwrap().is_empty());

        // No scope, or a non-scope, is refused.
        assert!(matches!(s.create_token(org.id, "x", &[], None, "cli:root").await, Err(StoreError::Invalid(_))));
        assert!(matches!(s.create_token(org.id, "x", &[Permission::Public], None, "cli:root").await, Err(StoreError::Invalid(_))));
    };

    token_names_hold_one_to_100_characters_not_bytes => |t: TestStore| async move {
        let s = &t.store;
        let org = s.require_org(DEFAULT_ORG).await.unwrap();
        // 100 characters, 200 bytes: the limit the message (and the API document) states.
        let accented = "é".repeat(100);
        let made = s.create_token(org.id, &accented, &[Permission::Decide], None, "cli:root").await.unwrap();
        assert_eq!(made.token.name, accented);
        for refused in ["é".repeat(101), "   ".to_owned()] {
            assert!(matches!(
                s.create_token(org.id, &refused, &[Permission::Decide], None, "cli:root").await,
                Err(StoreError::Invalid(m)) if m.starts_with("name:")
            ));
        }
    };
}
