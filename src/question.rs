//! Decisions asked and answered in JSON, so that a backend in any language can use the crate
//! (through the `resolve` example program's `--ask`) with the same rules as Rust callers (see
//! the [guide](crate::guide::recordings)).

use serde::{Deserialize, Serialize};

use crate::error::LookupError;
use crate::model::{Call, DeviceId, Recording, UserId};
use crate::resolve::Resolver;

/// One question, tagged by `"ask"`. Each is read strictly: a JSON object only, no unknown
/// fields, times as integers.
///
/// ```
/// use pbx_entitlements::model::read_document;
/// use pbx_entitlements::question::Question;
///
/// let text = r#"{"ask": "attribute", "at": 1763900000, "extension": "201", "agent": "5001"}"#;
/// let question: Question = read_document(&mut serde_json::Deserializer::from_str(text))?;
/// assert!(matches!(question, Question::Attribute { at: 1763900000, .. }));
///
/// let bad = r#"{"ask": "replay", "viewer": "bob", "recording": {"id": "r1", "start": 1.5}}"#;
/// let error = read_document::<Question, _>(&mut serde_json::Deserializer::from_str(bad)).unwrap_err();
/// assert_eq!(error.path.as_str(), "recording.start");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "ask", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Question {
    /// Whose is a call leg at `at`: `{"user": "bob"}` or `{"user": null}`.
    Attribute {
        /// The instant (seconds since the Unix epoch).
        at: i64,
        /// The leg's extension.
        extension: String,
        /// The agent id logged in on it, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<String>,
    },
    /// May `viewer` replay `recording`: `{"allowed": …, "reason": "…"}`.
    Replay {
        /// The user asking.
        viewer: UserId,
        /// The recording.
        recording: Recording,
    },
    /// May `viewer` download `recording`.
    Download {
        /// The user asking.
        viewer: UserId,
        /// The recording.
        recording: Recording,
    },
    /// May `viewer` delete `recording`.
    Delete {
        /// The user asking.
        viewer: UserId,
        /// The recording.
        recording: Recording,
    },
    /// May `viewer` listen live to `target`.
    ListenLive {
        /// The supervisor.
        viewer: UserId,
        /// The user listened to.
        target: UserId,
    },
    /// Is `call` recorded: `{"record": …, "notify": …, "reason": "…"}`.
    Record {
        /// The call.
        call: Call,
    },
    /// What a registered device may do: `{"entitlements": {feature: value, …}}`.
    Device {
        /// The device.
        device: DeviceId,
    },
    /// May `user` call `number`: `{"allowed": …, "reason": "…"}`.
    Dial {
        /// The user calling.
        user: UserId,
        /// The number, national digits or `+` and digits.
        number: String,
    },
    /// The numbers `user` may present: `{"numbers": […]}`.
    CallerIds {
        /// The user.
        user: UserId,
    },
    /// May `admin` set `feature` to `value` for `target`: `{"allowed": …, "reason": "…"}`.
    Grant {
        /// The admin.
        admin: UserId,
        /// The user whose value would be set.
        target: UserId,
        /// The feature's key.
        feature: String,
        /// The value, in the shape of the feature's kind.
        value: crate::value::RawValue,
    },
}

/// The kinds of question, as `"ask"` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Ask {
    Attribute,
    Replay,
    Download,
    Delete,
    ListenLive,
    Record,
    Device,
    Dial,
    CallerIds,
    Grant,
}

/// A question as written: every field any question has, so that reading one is a plain
/// struct's (an error inside `recording` keeps its path, which an internally tagged enum loses);
/// [`QuestionDoc::question`] then checks the fields against the kind.
#[derive(Debug, Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
struct QuestionDoc {
    ask: Ask,
    at: Option<i64>,
    extension: Option<String>,
    agent: Option<String>,
    viewer: Option<UserId>,
    target: Option<UserId>,
    recording: Option<Recording>,
    call: Option<Call>,
    device: Option<DeviceId>,
    user: Option<UserId>,
    number: Option<String>,
    admin: Option<UserId>,
    feature: Option<String>,
    value: Option<crate::value::RawValue>,
}

objects_only! {
    QuestionDoc => "a question object",
}

impl QuestionDoc {
    /// The question of kind `ask`, or the field it misses or should not have.
    fn question(self) -> Result<Question, String> {
        let QuestionDoc {
            ask,
            at,
            extension,
            agent,
            viewer,
            target,
            recording,
            call,
            device,
            user,
            number,
            admin,
            feature,
            value,
        } = self;
        let name = match ask {
            Ask::Attribute => "attribute",
            Ask::Replay => "replay",
            Ask::Download => "download",
            Ask::Delete => "delete",
            Ask::ListenLive => "listen_live",
            Ask::Record => "record",
            Ask::Device => "device",
            Ask::Dial => "dial",
            Ask::CallerIds => "caller_ids",
            Ask::Grant => "grant",
        };
        let present = [
            ("at", at.is_some()),
            ("extension", extension.is_some()),
            ("agent", agent.is_some()),
            ("viewer", viewer.is_some()),
            ("target", target.is_some()),
            ("recording", recording.is_some()),
            ("call", call.is_some()),
            ("device", device.is_some()),
            ("user", user.is_some()),
            ("number", number.is_some()),
            ("admin", admin.is_some()),
            ("feature", feature.is_some()),
            ("value", value.is_some()),
        ];
        let (required, optional): (&[&str], &[&str]) = match ask {
            Ask::Attribute => (&["at", "extension"], &["agent"]),
            Ask::Replay | Ask::Download | Ask::Delete => (&["viewer", "recording"], &[]),
            Ask::ListenLive => (&["viewer", "target"], &[]),
            Ask::Record => (&["call"], &[]),
            Ask::Device => (&["device"], &[]),
            Ask::Dial => (&["user", "number"], &[]),
            Ask::CallerIds => (&["user"], &[]),
            Ask::Grant => (&["admin", "target", "feature", "value"], &[]),
        };
        for (field, given) in present {
            if given && !required.contains(&field) && !optional.contains(&field) {
                return Err(format!("a {name} question has no field `{field}`"));
            }
            if !given && required.contains(&field) {
                return Err(format!("missing field `{field}` of a {name} question"));
            }
        }
        let missing = || format!("a {name} question is incomplete");
        Ok(match ask {
            Ask::Attribute => Question::Attribute {
                at: at.ok_or_else(missing)?,
                extension: extension.ok_or_else(missing)?,
                agent,
            },
            Ask::Replay | Ask::Download | Ask::Delete => {
                let viewer = viewer.ok_or_else(missing)?;
                let recording = recording.ok_or_else(missing)?;
                match ask {
                    Ask::Replay => Question::Replay { viewer, recording },
                    Ask::Download => Question::Download { viewer, recording },
                    _ => Question::Delete { viewer, recording },
                }
            }
            Ask::ListenLive => Question::ListenLive {
                viewer: viewer.ok_or_else(missing)?,
                target: target.ok_or_else(missing)?,
            },
            Ask::Record => Question::Record {
                call: call.ok_or_else(missing)?,
            },
            Ask::Device => Question::Device {
                device: device.ok_or_else(missing)?,
            },
            Ask::Dial => Question::Dial {
                user: user.ok_or_else(missing)?,
                number: number.ok_or_else(missing)?,
            },
            Ask::CallerIds => Question::CallerIds {
                user: user.ok_or_else(missing)?,
            },
            Ask::Grant => Question::Grant {
                admin: admin.ok_or_else(missing)?,
                target: target.ok_or_else(missing)?,
                feature: feature.ok_or_else(missing)?,
                value: value.ok_or_else(missing)?,
            },
        })
    }
}

impl<'de> Deserialize<'de> for Question {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Question, D::Error> {
        <QuestionDoc as Deserialize>::deserialize(deserializer)?
            .question()
            .map_err(serde::de::Error::custom)
    }
}

/// The answer to one [`Question`], in the JSON shape of its kind; or why it has none.
///
/// ```
/// use pbx_entitlements::question::Answer;
///
/// let answer = Answer::Decision { allowed: false, reason: "replay is none".into() };
/// assert_eq!(serde_json::to_string(&answer)?, r#"{"allowed":false,"reason":"replay is none"}"#);
/// let error = Answer::Error { error: "unknown user `zed`".into() };
/// assert_eq!(serde_json::to_string(&error)?, r#"{"error":"unknown user `zed`"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Answer {
    /// Whose a call leg is.
    Attribution {
        /// The user, or `None` if nobody held the leg's endpoints then.
        user: Option<UserId>,
    },
    /// A right, allowed or not, and why.
    Decision {
        /// Whether it is allowed.
        allowed: bool,
        /// What decided.
        reason: String,
    },
    /// Whether a call is recorded and the caller told, and why.
    Record {
        /// Whether the call is recorded.
        record: bool,
        /// Whether the caller is told.
        notify: bool,
        /// What decided.
        reason: String,
    },
    /// The numbers a user may present as caller ID.
    Numbers {
        /// Sorted, without repeats.
        numbers: Vec<String>,
    },
    /// What a device may do.
    Entitlements {
        /// The device's effective values.
        entitlements: crate::Entitlements,
    },
    /// The question could not be answered: it names an unknown user, or is malformed.
    Error {
        /// Why.
        error: String,
    },
}

impl From<LookupError> for Answer {
    fn from(e: LookupError) -> Answer {
        Answer::Error {
            error: e.to_string(),
        }
    }
}

impl From<crate::recording::Decision<'_>> for Answer {
    fn from(decision: crate::recording::Decision<'_>) -> Answer {
        Answer::Decision {
            allowed: decision.allowed,
            reason: decision.reason.to_string(),
        }
    }
}

impl Resolver<'_> {
    /// Answers one question. A question naming an unknown user gets [`Answer::Error`].
    ///
    /// ```
    /// use pbx_entitlements::model::{read_document, EndpointAssignment, Plan, Tenant, User};
    /// use pbx_entitlements::question::{Answer, Question};
    /// use pbx_entitlements::{validate, Resolver};
    ///
    /// let mut tenant = Tenant::new("acme", Plan::all("p"));
    /// tenant.users.push(User::new("bob")
    ///     .with_endpoint(EndpointAssignment::extension("201").primary())
    ///     .with_override("recordings_replay", "own"));
    /// let index = validate(&tenant)?;
    /// let resolver = Resolver::new(&index);
    ///
    /// let ask = |text: &str| -> Result<Answer, Box<dyn std::error::Error>> {
    ///     let question: Question = read_document(&mut serde_json::Deserializer::from_str(text))?;
    ///     Ok(resolver.answer(&question))
    /// };
    /// assert_eq!(
    ///     serde_json::to_string(&ask(r#"{"ask": "replay", "viewer": "bob",
    ///         "recording": {"id": "r1", "start": 5, "legs": [{"extension": "201"}]}}"#)?)?,
    ///     r#"{"allowed":true,"reason":"own: leg 201 was bob's at start"}"#,
    /// );
    /// assert_eq!(
    ///     serde_json::to_string(&ask(r#"{"ask": "attribute", "at": 5, "extension": "202"}"#)?)?,
    ///     r#"{"user":null}"#,
    /// );
    /// assert_eq!(
    ///     ask(r#"{"ask": "listen_live", "viewer": "zed", "target": "bob"}"#)?,
    ///     Answer::Error { error: "unknown user `zed`".into() },
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn answer(&self, question: &Question) -> Answer {
        let index = self.index();
        let rights = |viewer: &UserId| self.recording_rights(viewer);
        let answer = match question {
            Question::Attribute {
                at,
                extension,
                agent,
            } => Ok(Answer::Attribution {
                user: index
                    .endpoints()
                    .attribute(*at, extension, agent.as_deref())
                    .and_then(|a| index.user(a.user))
                    .map(|u| u.id().clone()),
            }),
            Question::Replay { viewer, recording } => {
                rights(viewer).map(|r| r.replay(recording).into())
            }
            Question::Download { viewer, recording } => {
                rights(viewer).map(|r| r.download(recording).into())
            }
            Question::Delete { viewer, recording } => {
                rights(viewer).map(|r| r.delete(recording).into())
            }
            Question::ListenLive { viewer, target } => {
                self.listen_live(viewer, target).map(Answer::from)
            }
            Question::Record { call } => self.record(call).map(|d| Answer::Record {
                record: d.record,
                notify: d.notify,
                reason: d.reason.to_string(),
            }),
            Question::Device { device } => self
                .device(device)
                .map(|entitlements| Answer::Entitlements { entitlements }),
            Question::Dial { user, number } => match self.dial_rights(user) {
                Ok(rights) => Ok(match rights.dial(number) {
                    Ok(d) => Answer::Decision {
                        allowed: d.allowed,
                        reason: d.reason.to_string(),
                    },
                    Err(e) => Answer::Error {
                        error: e.to_string(),
                    },
                }),
                Err(e) => Err(e),
            },
            Question::CallerIds { user } => self.caller_ids(user).map(|ids| Answer::Numbers {
                numbers: ids.numbers,
            }),
            Question::Grant {
                admin,
                target,
                feature,
                value,
            } => Ok(match self.grant(admin, target, feature.as_str(), value) {
                Ok(d) => Answer::Decision {
                    allowed: d.allowed,
                    reason: d.why().to_string(),
                },
                Err(e) => Answer::Error {
                    error: e.to_string(),
                },
            }),
        };
        answer.unwrap_or_else(Answer::from)
    }
}
