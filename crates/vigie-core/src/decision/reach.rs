//! Which of a contact's identifiers a channel reaches, and which suppressions bar it. Stored
//! decisions and screening both ask here, so that a channel never reads one identifier in one
//! place and another elsewhere.

use crate::vocab::Channel;

/// A contact's identifier, as the channels reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentifierKind {
    Email,
    Phone,
}

impl Channel {
    /// The identifier this channel reaches a contact on. `None` for postal mail: it reaches a
    /// postal address, which Vigie does not keep.
    pub const fn identifier(self) -> Option<IdentifierKind> {
        match self {
            Channel::Email => Some(IdentifierKind::Email),
            c if c.uses_phone_number() => Some(IdentifierKind::Phone),
            _ => None,
        }
    }

    /// The identifiers of a contact whose suppression bars a message on this channel: the one it
    /// reaches; for postal mail, every identifier the contact has, since the address is not kept
    /// and a person whose e-mail or phone number is suppressed was erased or opted out for good,
    /// so the letter is refused too.
    pub const fn suppression_identifiers(self) -> &'static [IdentifierKind] {
        match self.identifier() {
            Some(IdentifierKind::Email) => &[IdentifierKind::Email],
            Some(IdentifierKind::Phone) => &[IdentifierKind::Phone],
            None => &[IdentifierKind::Email, IdentifierKind::Phone],
        }
    }

    /// Whether a contact is suppressed for this channel, given whether each of its identifiers is
    /// (`None`: the contact has no such identifier, or it was not looked up).
    pub fn suppressed(self, is_suppressed: impl FnMut(IdentifierKind) -> Option<bool>) -> bool {
        let mut is_suppressed = is_suppressed;
        self.suppression_identifiers()
            .iter()
            .any(|kind| is_suppressed(*kind) == Some(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IdentifierKind::{Email, Phone};

    #[test]
    fn each_channel_reaches_its_identifier() {
        assert_eq!(Channel::Email.identifier(), Some(Email));
        for c in [
            Channel::Sms,
            Channel::Whatsapp,
            Channel::Phone,
            Channel::AutomatedCall,
            Channel::Fax,
        ] {
            assert_eq!(c.identifier(), Some(Phone), "{c}");
            assert_eq!(c.suppression_identifiers(), [Phone], "{c}");
        }
        assert_eq!(Channel::Postal.identifier(), None);
        assert_eq!(Channel::Email.suppression_identifiers(), [Email]);
    }

    #[test]
    fn a_letter_is_refused_when_the_email_or_the_phone_is_suppressed() {
        let with = |email: Option<bool>, phone: Option<bool>| {
            Channel::Postal.suppressed(|kind| match kind {
                Email => email,
                Phone => phone,
            })
        };
        assert!(with(Some(true), Some(false)));
        assert!(with(Some(false), Some(true)));
        assert!(
            with(None, Some(true)),
            "a contact without e-mail, its phone suppressed"
        );
        assert!(
            with(Some(true), None),
            "a contact without phone, its e-mail suppressed"
        );
        assert!(!with(Some(false), Some(false)));
        assert!(!with(None, None), "nothing to be suppressed on");
    }

    #[test]
    fn other_channels_read_only_their_own_identifier() {
        let email_suppressed = |kind| Some(kind == Email);
        assert!(Channel::Email.suppressed(email_suppressed));
        assert!(!Channel::Sms.suppressed(email_suppressed));
        assert!(!Channel::Phone.suppressed(email_suppressed));
        let phone_suppressed = |kind| Some(kind == Phone);
        assert!(!Channel::Email.suppressed(phone_suppressed));
        assert!(Channel::Fax.suppressed(phone_suppressed));
    }
}
