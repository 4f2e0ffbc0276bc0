//! Resolve a tenant file from the command line: a black-box entry point for integrators and tests.
//!
//! ```text
//! cargo run --example resolve -- TENANT.json                        # every user's entitlements
//! cargo run --example resolve -- --user ID TENANT.json              # one user's entitlements
//! cargo run --example resolve -- --explain ID FEATURE TENANT.json   # why a user has a value
//! cargo run --example resolve -- --catalog ACME.json TENANT.json    # a vendor catalog
//! cargo run --example resolve -- TENANT.json --ask QUESTIONS.json   # decisions, in JSON
//! cargo run --example resolve -- --devices TENANT.json              # every device's entitlements
//! cargo run --example resolve -- --licences TENANT.json             # the licence counter
//! cargo run --example resolve -- --audit TENANT.json                # settings that never apply
//! cargo run --example resolve -- --diff BEFORE.json AFTER.json      # what changed, to push
//! ```
//!
//! `TENANT.json` is a tenant in the JSON interchange format (see the crate's guide, chapter
//! "The JSON format"); `-` reads it from stdin. The catalog is the one the document names: the
//! standard one, or one it embeds. A document that names a vendor catalog by id
//! (`"catalog": "acme-v2"`) needs that catalog, in its JSON form, given with `--catalog`.
//!
//! Output goes to stdout: pretty JSON `{"users": {"alice": {"chat": true, ...}, ...}}` with
//! users in id order and features in catalog order, or, with `--explain`, the one-line English
//! trace (`max_channels = 3: ...`).
//!
//! With `--ask`, `QUESTIONS.json` is a JSON array of questions (`{"ask": "replay", "viewer":
//! "bob", "recording": {...}}`, see the guide chapter "Recordings" and
//! `pbx_entitlements::question::Question`); the output is a JSON array of answers, one per
//! question, in order. A question that names an unknown user or is malformed gets
//! `{"error": "..."}` in its place and the others are still answered.
//!
//! Exit codes: `0` success (with `--ask`, even if some answers are errors); `1` the document or
//! the questions file cannot be read, is not valid JSON, not a valid tenant or not an array of
//! questions (the message, or every problem as `path: problem`, goes to stderr); `2` bad
//! arguments, or an unknown user or feature.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Read, Write};
use std::process::ExitCode;

use pbx_entitlements::diff::Diff;
use pbx_entitlements::model::{Tenant, read_document};
use pbx_entitlements::question::{Answer, Question};
use pbx_entitlements::{
    Catalog, Resolver, TenantIndex, ValidationErrors, validate, validate_against,
};

const USAGE: &str = "\
usage: resolve [--catalog CATALOG.json] [--user ID | --explain ID FEATURE | --ask QUESTIONS.json
                                        | --devices | --licences | --audit] TENANT.json
       resolve [--catalog CATALOG.json] --diff BEFORE.json AFTER.json
       resolve --help

Validates a tenant document (JSON interchange format; `-` reads stdin) and prints
every user's effective entitlements as JSON, one user's with --user, the
explanation of one feature of one user with --explain, or the answers to a JSON
array of questions with --ask (one answer per question, in order; a question
that cannot be answered gets {\"error\": ...}). --devices prints every registered
device's entitlements, --licences the seats bought, wanted and granted per
seat-licensed feature, --audit the settings that probably do not do what the
admin meant ({\"findings\": [{\"path\", \"kind\", \"message\"}]}), and --diff every value that differs between two versions
of a tenant (users, then devices). --catalog validates the document against a
vendor catalog (its JSON form) that the document names by id.

exit codes: 0 ok; 1 unreadable, malformed or invalid document or questions;
2 bad arguments, unknown user or unknown feature";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help,
    All {
        input: Source,
    },
    User {
        input: Source,
        user: String,
    },
    Explain {
        input: Source,
        user: String,
        feature: String,
    },
    Ask {
        input: Source,
        questions: Input,
    },
    Devices {
        input: Source,
    },
    Licences {
        input: Source,
    },
    Audit {
        input: Source,
    },
    Diff {
        before: Source,
        after: Source,
    },
}

/// The tenant document, and the catalog file to validate it against, if any.
#[derive(Debug, PartialEq, Eq)]
struct Source {
    tenant: Input,
    catalog: Option<String>,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.tenant.fmt(f)
    }
}

/// Where the tenant document comes from.
#[derive(Debug, PartialEq, Eq)]
enum Input {
    Stdin,
    File(String),
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Stdin => f.write_str("<stdin>"),
            Input::File(path) => f.write_str(path),
        }
    }
}

/// Why a run failed; each maps to an exit code.
#[derive(Debug)]
enum Failure {
    /// Bad arguments: the message, then the usage, on stderr (exit 2).
    Usage(String),
    /// An unknown user or feature (exit 2).
    NotFound(String),
    /// The document cannot be read or written out (exit 1).
    Io(String, io::Error),
    /// The document is not JSON, or not shaped like a tenant (exit 1).
    Json(String, String),
    /// The document is a tenant with problems (exit 1).
    Invalid(String, ValidationErrors),
}

impl Failure {
    fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Usage(_) | Failure::NotFound(_) => ExitCode::from(2),
            Failure::Io(..) | Failure::Json(..) | Failure::Invalid(..) => ExitCode::from(1),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(message) => write!(f, "resolve: {message}\n\n{USAGE}"),
            Failure::NotFound(message) => write!(f, "resolve: {message}"),
            Failure::Io(what, error) => write!(f, "resolve: {what}: {error}"),
            Failure::Json(input, error) => write!(f, "resolve: {input}: {error}"),
            Failure::Invalid(input, errors) => {
                let n = errors.len();
                write!(
                    f,
                    "resolve: {input}: {n} problem{}",
                    if n == 1 { "" } else { "s" }
                )?;
                for invalid in errors {
                    write!(f, "\n{invalid}")?;
                }
                Ok(())
            }
        }
    }
}

fn main() -> ExitCode {
    // Lossy rather than `env::args`, which panics on an argument that is not UTF-8.
    let args = std::env::args_os().skip(1);
    let result = parse(args.map(|a| a.to_string_lossy().into_owned())).and_then(run);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // Not `eprintln!`: it panics if stderr is closed.
            let _ = writeln!(io::stderr(), "{failure}");
            failure.exit_code()
        }
    }
}

/// Parses the arguments (without the program name). Options and the path may come in any
/// order; `--` ends the options.
fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, Failure> {
    let mut args = args.into_iter();
    let mut input = None;
    let mut user = None;
    let mut explain = None;
    let mut catalog = None;
    let mut ask = None;
    let mut mode: Option<&'static str> = None;
    let mut paths: Vec<Input> = Vec::new();
    let mut options_done = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" if !options_done => return Ok(Command::Help),
            "--" if !options_done => options_done = true,
            "--user" if !options_done => {
                let id = value(&mut args, "--user", "a user id")?;
                if user.replace(id).is_some() {
                    return Err(Failure::Usage("--user given twice".into()));
                }
            }
            "--catalog" if !options_done => {
                let path = value(&mut args, "--catalog", "a catalog file")?;
                if catalog.replace(path).is_some() {
                    return Err(Failure::Usage("--catalog given twice".into()));
                }
            }
            "--ask" if !options_done => {
                let path = value(&mut args, "--ask", "a questions file")?;
                let questions = if path == "-" {
                    Input::Stdin
                } else {
                    Input::File(path)
                };
                if ask.replace(questions).is_some() {
                    return Err(Failure::Usage("--ask given twice".into()));
                }
            }
            "--devices" | "--licences" | "--audit" | "--diff" if !options_done => {
                let name = match arg.as_str() {
                    "--devices" => "--devices",
                    "--licences" => "--licences",
                    "--audit" => "--audit",
                    _ => "--diff",
                };
                if mode.replace(name).is_some() {
                    return Err(Failure::Usage(
                        "--devices, --licences, --audit and --diff cannot be combined".into(),
                    ));
                }
            }
            "--explain" if !options_done => {
                let id = value(&mut args, "--explain", "a user id and a feature key")?;
                let feature = value(&mut args, "--explain", "a user id and a feature key")?;
                if explain.replace((id, feature)).is_some() {
                    return Err(Failure::Usage("--explain given twice".into()));
                }
            }
            option if !options_done && option.starts_with('-') && option != "-" => {
                return Err(Failure::Usage(format!("unknown option `{option}`")));
            }
            path => {
                let next = if path == "-" {
                    Input::Stdin
                } else {
                    Input::File(path.to_owned())
                };
                paths.push(next);
            }
        }
    }
    if mode == Some("--diff") {
        if user.is_some() || explain.is_some() || ask.is_some() {
            return Err(Failure::Usage(
                "--diff cannot be combined with --user, --explain or --ask".into(),
            ));
        }
        let mut paths = paths.into_iter();
        let (Some(before), Some(after), None) = (paths.next(), paths.next(), paths.next()) else {
            return Err(Failure::Usage("--diff needs two tenant documents".into()));
        };
        if before == Input::Stdin && after == Input::Stdin {
            return Err(Failure::Usage(
                "the two documents cannot both come from stdin".into(),
            ));
        }
        return Ok(Command::Diff {
            before: Source {
                tenant: before,
                catalog: catalog.clone(),
            },
            after: Source {
                tenant: after,
                catalog,
            },
        });
    }
    for path in paths {
        if input.replace(path).is_some() {
            return Err(Failure::Usage("more than one tenant document".into()));
        }
    }
    let tenant = input.ok_or_else(|| Failure::Usage("no tenant document given".into()))?;
    if tenant == Input::Stdin && ask == Some(Input::Stdin) {
        return Err(Failure::Usage(
            "the tenant and the questions cannot both come from stdin".into(),
        ));
    }
    let input = Source { tenant, catalog };
    match (user, explain, ask, mode) {
        (None, None, None, Some("--devices")) => Ok(Command::Devices { input }),
        (None, None, None, Some("--audit")) => Ok(Command::Audit { input }),
        (None, None, None, Some(_)) => Ok(Command::Licences { input }),
        (_, _, _, Some(_)) => Err(Failure::Usage(
            "--devices, --licences and --audit cannot be combined with --user, --explain or --ask"
                .into(),
        )),
        (None, None, None, None) => Ok(Command::All { input }),
        (Some(user), None, None, None) => Ok(Command::User { input, user }),
        (None, Some((user, feature)), None, None) => Ok(Command::Explain {
            input,
            user,
            feature,
        }),
        (None, None, Some(questions), None) => Ok(Command::Ask { input, questions }),
        _ => Err(Failure::Usage(
            "--user, --explain and --ask cannot be combined".into(),
        )),
    }
}

/// The next argument, as the value of `option`.
fn value(
    args: &mut impl Iterator<Item = String>,
    option: &str,
    what: &str,
) -> Result<String, Failure> {
    args.next()
        .ok_or_else(|| Failure::Usage(format!("{option} needs {what}")))
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Help => {
            writeln!(io::stdout(), "{USAGE}").map_err(|e| Failure::Io("stdout".into(), e))
        }
        Command::All { input } => {
            let index = load(&input)?;
            let resolved = Resolver::new(&index).tenant();
            print_json(&(BTreeMap::from([("users", resolved)])))
        }
        Command::User { input, user } => {
            let index = load(&input)?;
            let entitlements = Resolver::new(&index)
                .user(&user)
                .map_err(|e| Failure::NotFound(format!("{input}: {e}")))?;
            let users = BTreeMap::from([(user.as_str(), entitlements)]);
            print_json(&(BTreeMap::from([("users", users)])))
        }
        Command::Explain {
            input,
            user,
            feature,
        } => {
            let index = load(&input)?;
            let trace = Resolver::new(&index)
                .explain(&user, &feature)
                .map_err(|e| Failure::NotFound(format!("{input}: {e}")))?;
            let mut out = io::stdout().lock();
            writeln!(out, "{trace}")
                .and_then(|()| out.flush())
                .map_err(|e| Failure::Io("stdout".into(), e))
        }
        Command::Ask { input, questions } => {
            let index = load(&input)?;
            let questions = read_questions(&questions)?;
            let resolver = Resolver::new(&index);
            let answers: Vec<Answer> = questions
                .iter()
                .map(|question| match read_document::<Question, _>(question) {
                    Ok(question) => resolver.answer(&question),
                    Err(e) => Answer::Error {
                        error: e.to_string(),
                    },
                })
                .collect();
            print_json(&answers)
        }
        Command::Devices { input } => {
            let index = load(&input)?;
            let devices = Resolver::new(&index).devices();
            print_json(&(BTreeMap::from([("devices", devices)])))
        }
        Command::Licences { input } => {
            let index = load(&input)?;
            print_json(&Resolver::new(&index).licences())
        }
        Command::Audit { input } => {
            let index = load(&input)?;
            print_json(&Resolver::new(&index).audit())
        }
        Command::Diff { before, after } => {
            let (old, new) = (load(&before)?, load(&after)?);
            let diff = Diff::between(&Resolver::new(&old), &Resolver::new(&new));
            print_json(&diff)
        }
    }
}

/// The questions file: a JSON array, each element read on its own so that one malformed
/// question does not stop the others.
fn read_questions(input: &Input) -> Result<Vec<serde_json::Value>, Failure> {
    let text = read(input)?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Failure::Json(input.to_string(), e.to_string()))?;
    match value {
        serde_json::Value::Array(questions) => Ok(questions),
        _ => Err(Failure::Json(
            input.to_string(),
            "expected an array of questions".into(),
        )),
    }
}

/// Reads, parses and validates the tenant document, against the catalog file if one is given.
fn load(source: &Source) -> Result<TenantIndex, Failure> {
    let input = &source.tenant;
    let tenant: Tenant = parse_json(&read(input)?, input)?;
    let checked = match &source.catalog {
        None => validate(&tenant),
        Some(path) => {
            let file = Input::File(path.clone());
            let catalog: Catalog = parse_json(&read(&file)?, &file)?;
            validate_against(&tenant, catalog)
        }
    };
    checked.map_err(|errors| Failure::Invalid(input.to_string(), errors))
}

/// Reads one JSON document; an error says where in it reading stopped
/// (`plan: invalid type: sequence, expected a plan object at line 3 column 12`).
fn parse_json<T: serde::de::DeserializeOwned>(text: &str, input: &Input) -> Result<T, Failure> {
    let mut json = serde_json::Deserializer::from_str(text);
    let value =
        read_document(&mut json).map_err(|e| Failure::Json(input.to_string(), e.to_string()))?;
    json.end()
        .map_err(|e| Failure::Json(input.to_string(), e.to_string()))?;
    Ok(value)
}

/// The whole text of a file or of stdin.
fn read(input: &Input) -> Result<String, Failure> {
    match input {
        Input::Stdin => {
            let mut text = String::new();
            io::stdin()
                .read_to_string(&mut text)
                .map(|_| text)
                .map_err(|e| Failure::Io(input.to_string(), e))
        }
        Input::File(path) => {
            std::fs::read_to_string(path).map_err(|e| Failure::Io(input.to_string(), e))
        }
    }
}

/// Writes serialised JSON and a final newline to stdout.
///
/// Callers serialise the crate's values directly (not through `serde_json::Value`, whose map
/// would sort the keys), so the crate's order of users and features is kept.
/// Writes `value` as pretty JSON to stdout as it is serialised: printing a million users
/// holds no more than the resolved tenant, never the whole text.
fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)
        .map_err(io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Io("stdout".into(), e))
}
