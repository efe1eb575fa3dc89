//! The closed vocabularies of the consent ledger and of decisions: channels, audiences, purposes,
//! actions and collection methods. Each is parsed once at the edge (CSV, JSON, forms) and is a
//! plain `Copy` enum everywhere else.

/// A value that is not part of one of the vocabularies below.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?} (expected one of: {expected})")]
pub struct ParseVocabError {
    pub what: &'static str,
    pub value: String,
    pub expected: &'static str,
}

/// Declares a string-backed enum with `ALL`, `as_str`, `FromStr`, `Display` and serde, spelled
/// as given. Paths are absolute so that other modules of the crate can declare vocabularies too.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            const EXPECTED: &'static str = concat!($($text, " "),+);

            /// The wire and storage spelling.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::vocab::ParseVocabError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::vocab::ParseVocabError {
                        what: $what,
                        value: s.to_owned(),
                        expected: Self::EXPECTED.trim_end(),
                    }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use vocabulary;

vocabulary! {
    /// A way of reaching a person.
    Channel, "channel" {
        Email => "email",
        Sms => "sms",
        Whatsapp => "whatsapp",
        /// A live call by a person.
        Phone => "phone",
        /// A call placed by a machine (pre-recorded message).
        AutomatedCall => "automated_call",
        Fax => "fax",
        Postal => "postal",
    }
}

impl Channel {
    /// Channels addressed by a phone number.
    pub const fn uses_phone_number(self) -> bool {
        matches!(
            self,
            Channel::Sms
                | Channel::Whatsapp
                | Channel::Phone
                | Channel::AutomatedCall
                | Channel::Fax
        )
    }
}

vocabulary! {
    /// The channel a ledger event applies to: one channel, or every channel (`any`, used by
    /// objections to all marketing).
    ChannelScope, "channel" {
        Email => "email",
        Sms => "sms",
        Whatsapp => "whatsapp",
        Phone => "phone",
        AutomatedCall => "automated_call",
        Fax => "fax",
        Postal => "postal",
        Any => "any",
    }
}

impl ChannelScope {
    /// Whether an event with this scope speaks about `channel`.
    pub const fn covers(self, channel: Channel) -> bool {
        matches!(self, ChannelScope::Any) || self as u8 == channel as u8
    }
}

impl From<Channel> for ChannelScope {
    fn from(c: Channel) -> Self {
        match c {
            Channel::Email => ChannelScope::Email,
            Channel::Sms => ChannelScope::Sms,
            Channel::Whatsapp => ChannelScope::Whatsapp,
            Channel::Phone => ChannelScope::Phone,
            Channel::AutomatedCall => ChannelScope::AutomatedCall,
            Channel::Fax => ChannelScope::Fax,
            Channel::Postal => ChannelScope::Postal,
        }
    }
}

vocabulary! {
    /// Who is behind an identifier: the rules differ for each.
    Audience, "audience" {
        /// A private person.
        Consumer => "consumer",
        /// A person reached at work (B2B).
        Professional => "professional",
        /// A role address of an organization (contact@, info@ …): not a person's data.
        Generic => "generic",
    }
}

vocabulary! {
    /// What a consent ledger event says.
    Action, "action" {
        /// Consent given.
        Grant => "grant",
        /// Consent withdrawn, unsubscribed.
        Withdraw => "withdraw",
        /// Objection to processing for marketing (GDPR art. 21).
        Object => "object",
    }
}

vocabulary! {
    /// Why the data is processed. New purposes are additions to this list.
    Purpose, "purpose" {
        /// Commercial prospecting and marketing messages.
        Marketing => "marketing",
        /// An editorial newsletter.
        Newsletter => "newsletter",
        /// Transfer of the contact to partners for their own marketing.
        Partners => "partners",
        /// Profiling and segmentation.
        Profiling => "profiling",
    }
}

vocabulary! {
    /// How a ledger event was collected: part of its proof.
    Method, "method" {
        DoubleOptIn => "double_opt_in",
        SingleOptIn => "single_opt_in",
        UntickedCheckbox => "unticked_checkbox",
        /// A box ticked in advance: never valid consent (CJEU C-673/17 Planet49).
        PretickedCheckbox => "preticked_checkbox",
        PaperForm => "paper_form",
        PhoneRecorded => "phone_recorded",
        UnsubscribeLink => "unsubscribe_link",
        EmailReply => "email_reply",
        CustomerService => "customer_service",
        PrivacyCentre => "privacy_centre",
        Api => "api",
    }
}

impl Method {
    /// Whether a grant collected this way can be valid consent (GDPR art. 4(11) and 7).
    pub const fn can_prove_consent(self) -> bool {
        !matches!(self, Method::PretickedCheckbox)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip_through_their_spelling() {
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>().unwrap(), *c);
            assert!(ChannelScope::from(*c).covers(*c));
            assert!(ChannelScope::Any.covers(*c));
        }
        for m in Method::ALL {
            assert_eq!(m.as_str().parse::<Method>().unwrap(), *m);
        }
        assert!(!ChannelScope::Email.covers(Channel::Sms));
    }

    #[test]
    fn unknown_values_name_the_vocabulary_and_the_choices() {
        let e = "carrier_pigeon".parse::<Channel>().unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("unknown channel \"carrier_pigeon\""), "{msg}");
        assert!(msg.contains("email sms whatsapp"), "{msg}");
    }

    #[test]
    fn serde_uses_the_wire_spelling() {
        assert_eq!(
            serde_json::to_string(&Method::DoubleOptIn).unwrap(),
            "\"double_opt_in\""
        );
        let a: Action = serde_json::from_str("\"withdraw\"").unwrap();
        assert_eq!(a, Action::Withdraw);
        assert!(serde_json::from_str::<Action>("\"maybe\"").is_err());
    }
}
