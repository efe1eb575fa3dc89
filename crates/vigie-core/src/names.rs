//! How a person's name is searched without being stored in clear: the name is folded (lower
//! case, accents dropped, whitespace collapsed) and each search key is then hashed under the
//! organization's blind-index key by the store. The same folding serves the names written and
//! the name typed in the search box, so « Élodie  DURAND » finds « elodie durand ».

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds a name for its search keys: lower case, accents dropped (canonical decomposition, then
/// combining marks removed), every run of whitespace one space, no space at either end. Letters
/// without a decomposition (ß, æ, ø) are kept as they are.
pub fn fold_name(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    let mut pending_space = false;
    for c in name.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_whitespace() {
            pending_space = !folded.is_empty();
            continue;
        }
        if pending_space {
            folded.push(' ');
            pending_space = false;
        }
        folded.extend(c.to_lowercase());
    }
    folded
}

/// The search keys of a contact's name: the whole name (first name then last name) and each of
/// its words, hyphenated words also by their parts (« Jean-Pierre » is found by « pierre »).
/// Folded, without duplicates, in a stable order; empty when the contact has no name.
pub fn name_search_keys(first_name: Option<&str>, last_name: Option<&str>) -> Vec<String> {
    let whole = fold_name(&format!(
        "{} {}",
        first_name.unwrap_or(""),
        last_name.unwrap_or("")
    ));
    if whole.is_empty() {
        return Vec::new();
    }
    let mut keys = vec![whole.clone()];
    for word in whole.split(' ') {
        keys.push(word.to_owned());
        if word.contains('-') {
            keys.extend(
                word.split('-')
                    .filter(|part| !part.is_empty())
                    .map(str::to_owned),
            );
        }
    }
    let mut seen = std::collections::HashSet::with_capacity(keys.len());
    keys.retain(|k| seen.insert(k.clone()));
    keys
}

/// The search key of a name typed by someone looking for a contact: the whole text folded, which
/// matches a contact's whole name or one of its words. `None` when nothing but whitespace was
/// typed.
pub fn name_query_key(typed: &str) -> Option<String> {
    let folded = fold_name(typed);
    (!folded.is_empty()).then_some(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_accents_and_extra_whitespace() {
        assert_eq!(fold_name("  Élodie \t DURAND-Noël "), "elodie durand-noel");
        assert_eq!(fold_name("François"), "francois");
        assert_eq!(fold_name("ÇA ÏÔ"), "ca io");
        assert_eq!(fold_name("Straße"), "straße");
        assert_eq!(fold_name("   "), "");
    }

    #[test]
    fn keys_are_the_whole_name_and_each_word() {
        assert_eq!(
            name_search_keys(Some("Jean-Pierre"), Some("Le  Bœuf")),
            [
                "jean-pierre le bœuf",
                "jean-pierre",
                "jean",
                "pierre",
                "le",
                "bœuf"
            ]
        );
        assert_eq!(name_search_keys(None, Some("Durand")), ["durand"]);
        assert_eq!(
            name_search_keys(Some("Anne"), Some("Anne")),
            ["anne anne", "anne"]
        );
        assert!(name_search_keys(None, None).is_empty());
        assert!(name_search_keys(Some(" "), Some("")).is_empty());
    }

    #[test]
    fn a_typed_name_folds_like_a_stored_one() {
        let keys = name_search_keys(Some("Élodie"), Some("Durand"));
        for typed in ["ELODIE durand", " élodie   DURAND ", "Durand", "élodie"] {
            let key = name_query_key(typed).unwrap();
            assert!(keys.contains(&key), "{typed:?} → {key:?}");
        }
        assert_eq!(name_query_key(" \t"), None);
    }
}
