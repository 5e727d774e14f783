//! PLAIN and LOGIN exchanges, wire decoding, `allowplaintext` and the
//! advertisement rules.

use cyrus_proto::sasl::{
    decode_initial_response, decode_response, encode, AlwaysTrue, AuthMethod, Authenticator,
    AuthzPolicy, Failure, FinalData, Mechanism, PasswordFile, PlaintextPolicy, SaslConfig, Secret,
    ServerNonce, Start, Step, Success, Transport,
};

fn config(mech_list: Option<&str>, plaintext: PlaintextPolicy) -> SaslConfig {
    SaslConfig::new(mech_list, plaintext, Secret::from("k"))
}

fn policy() -> AuthzPolicy {
    AuthzPolicy::new(vec!["admin".into()], vec!["proxy".into()])
}

/// A password file with bob/pw and admin/adminpw.
fn users() -> (tempfile::TempDir, PasswordFile) {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = PasswordFile::in_configdirectory(dir.path(), policy());
    f.set_password("bob", &Secret::from("pw"), Some(8))
        .expect("set");
    f.set_password("admin", &Secret::from("adminpw"), Some(8))
        .expect("set");
    (dir, f)
}

/// Drives an exchange from wire lines: `ir` is the SASL-IR argument as
/// sent (base64 or `=`), `lines` the base64 continuation lines. Returns
/// the base64 challenges and the result.
fn wire(
    cfg: &SaslConfig,
    auth: &dyn Authenticator,
    transport: Transport,
    mech: &str,
    ir: Option<&str>,
    lines: &[&str],
) -> (Vec<String>, Result<Success, Failure>) {
    let initial_response = match ir.map(|a| decode_initial_response(a.as_bytes())) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(f)) => return (vec![], Err(f)),
    };
    let mut step = cfg.start(
        Start {
            mechanism: mech,
            initial_response,
            transport,
            final_data: FinalData::AsChallenge,
            nonce: ServerNonce::random(),
        },
        auth,
    );
    let mut out = Vec::new();
    let mut lines = lines.iter();
    loop {
        match step {
            Step::Challenge {
                exchange,
                challenge,
            } => {
                out.push(encode(&challenge));
                let Some(line) = lines.next() else {
                    return (out, Err(Failure::Cancelled));
                };
                step = match decode_response(line.as_bytes()) {
                    Ok(r) => exchange.respond(r, auth),
                    Err(f) => Step::Failure(f),
                };
            }
            Step::Success(s) => return (out, Ok(s)),
            Step::Failure(f) => return (out, Err(f)),
        }
    }
}

#[test]
fn plain_initial_response_with_and_without_authzid() {
    let (_d, f) = users();
    let cfg = config(None, PlaintextPolicy::RequireEncryption);
    // "\0bob\0pw"
    let (ch, r) = wire(
        &cfg,
        &f,
        Transport::Encrypted,
        "PLAIN",
        Some(&encode(b"\0bob\0pw")),
        &[],
    );
    assert!(ch.is_empty());
    let s = r.expect("ok");
    assert_eq!((s.proof.authcid(), s.proof.userid()), ("bob", "bob"));
    assert_eq!(s.proof.method(), AuthMethod::Sasl(Mechanism::Plain));
    assert!(!s.proof.is_proxied());
    // authzid equal to authcid is fine.
    let (_, r) = wire(
        &cfg,
        &f,
        Transport::Encrypted,
        "plain",
        Some(&encode(b"bob\0bob\0pw")),
        &[],
    );
    assert_eq!(r.expect("ok").proof.userid(), "bob");
    // Admin acting as bob.
    let (_, r) = wire(
        &cfg,
        &f,
        Transport::Encrypted,
        "PLAIN",
        Some(&encode(b"bob\0admin\0adminpw")),
        &[],
    );
    let p = r.expect("ok").proof;
    assert_eq!((p.authcid(), p.userid()), ("admin", "bob"));
    // Bob acting as admin: right password, not allowed.
    let (_, r) = wire(
        &cfg,
        &f,
        Transport::Encrypted,
        "PLAIN",
        Some(&encode(b"admin\0bob\0pw")),
        &[],
    );
    assert_eq!(r.err(), Some(Failure::AuthorizationFailed));
}

#[test]
fn plain_without_initial_response_gets_empty_challenge() {
    let (_d, f) = users();
    let cfg = config(None, PlaintextPolicy::Allowed);
    let (ch, r) = wire(
        &cfg,
        &f,
        Transport::Cleartext,
        "PLAIN",
        None,
        &[&encode(b"\0bob\0pw")],
    );
    assert_eq!(ch, [""]);
    assert!(r.is_ok());
}

#[test]
fn wrong_password_and_unknown_user_fail_alike() {
    let (_d, f) = users();
    let cfg = config(None, PlaintextPolicy::Allowed);
    let (_, wrong) = wire(
        &cfg,
        &f,
        Transport::Cleartext,
        "PLAIN",
        Some(&encode(b"\0bob\0nope")),
        &[],
    );
    let (_, unknown) = wire(
        &cfg,
        &f,
        Transport::Cleartext,
        "PLAIN",
        Some(&encode(b"\0eve\0pw")),
        &[],
    );
    assert_eq!(wrong.err(), Some(Failure::AuthenticationFailed));
    assert_eq!(unknown.err(), Some(Failure::AuthenticationFailed));
    let (_, wrong) = wire(
        &cfg,
        &f,
        Transport::Cleartext,
        "LOGIN",
        None,
        &[&encode(b"bob"), &encode(b"x")],
    );
    let (_, unknown) = wire(
        &cfg,
        &f,
        Transport::Cleartext,
        "LOGIN",
        None,
        &[&encode(b"eve"), &encode(b"x")],
    );
    assert_eq!(wrong.err(), Some(Failure::AuthenticationFailed));
    assert_eq!(unknown.err(), Some(Failure::AuthenticationFailed));
    assert_eq!(
        cfg.check_login(Transport::Cleartext, "eve", &Secret::from("pw"), &f)
            .err(),
        cfg.check_login(Transport::Cleartext, "bob", &Secret::from("px"), &f)
            .err(),
    );
}

#[test]
fn bad_base64_and_cancellation() {
    let (_d, f) = users();
    let cfg = config(None, PlaintextPolicy::Allowed);
    let (_, r) = wire(
        &cfg,
        &f,
        Transport::Cleartext,
        "PLAIN",
        Some("AGJvYg!!"),
        &[],
    );
    assert_eq!(r.err(), Some(Failure::BadBase64));
    let (_, r) = wire(
        &cfg,
        &f,
        Transport::Cleartext,
        "PLAIN",
        None,
        &["not base64"],
    );
    assert_eq!(r.err(), Some(Failure::BadBase64));
    let (_, r) = wire(&cfg, &f, Transport::Cleartext, "PLAIN", None, &["*"]);
    assert_eq!(r.err(), Some(Failure::Cancelled));
    let (_, r) = wire(
        &cfg,
        &f,
        Transport::Cleartext,
        "LOGIN",
        None,
        &[&encode(b"bob"), "*"],
    );
    assert_eq!(r.err(), Some(Failure::Cancelled));
    // "=" is an empty initial response, which PLAIN cannot parse.
    let (_, r) = wire(&cfg, &f, Transport::Cleartext, "PLAIN", Some("="), &[]);
    assert_eq!(r.err(), Some(Failure::Malformed));
}

#[test]
fn login_flow_as_cyrus_sends_it() {
    let (_d, f) = users();
    let cfg = config(None, PlaintextPolicy::Allowed);
    let (ch, r) = wire(
        &cfg,
        &f,
        Transport::Cleartext,
        "LOGIN",
        None,
        &[&encode(b"bob"), &encode(b"pw")],
    );
    // "Username:" and "Password:" in base64.
    assert_eq!(ch, ["VXNlcm5hbWU6", "UGFzc3dvcmQ6"]);
    let p = r.expect("ok").proof;
    assert_eq!(p.userid(), "bob");
    assert_eq!(p.method(), AuthMethod::Sasl(Mechanism::Login));
    // Initial response carries the user name.
    let (ch, r) = wire(
        &cfg,
        &f,
        Transport::Cleartext,
        "LOGIN",
        Some(&encode(b"bob")),
        &[&encode(b"pw")],
    );
    assert_eq!(ch, ["UGFzc3dvcmQ6"]);
    assert!(r.is_ok());
}

#[test]
fn plaintext_mechanisms_need_tls_unless_allowed() {
    let auth = AlwaysTrue::new(policy());
    let (_d, file) = users();
    let strict = config(None, PlaintextPolicy::RequireEncryption);
    let lax = config(None, PlaintextPolicy::Allowed);
    use Mechanism::*;

    let a = strict.advertise(Transport::Cleartext, &file);
    assert_eq!(a.mechanisms, [ScramSha256, ScramSha1]);
    assert!(a.login_disabled);
    let a = strict.advertise(Transport::Encrypted, &file);
    assert_eq!(a.mechanisms, [ScramSha256, ScramSha1, Plain, Login]);
    assert!(!a.login_disabled);
    let a = lax.advertise(Transport::Cleartext, &file);
    assert_eq!(a.mechanisms, [ScramSha256, ScramSha1, Plain, Login]);
    assert!(!a.login_disabled);
    // No SCRAM keys in alwaystrue / saslauthd: only plaintext mechanisms.
    assert_eq!(strict.advertise(Transport::Cleartext, &auth).mechanisms, []);
    assert_eq!(
        lax.advertise(Transport::Cleartext, &auth).mechanisms,
        [Plain, Login]
    );

    // sasl_mech_list restricts and orders; unknown names are ignored.
    let listed = config(
        Some("login DIGEST-MD5 plain PLAIN scram-sha-1"),
        PlaintextPolicy::RequireEncryption,
    );
    assert_eq!(
        listed.advertise(Transport::Encrypted, &file).mechanisms,
        [Login, Plain, ScramSha1]
    );
    assert_eq!(
        listed.advertise(Transport::Cleartext, &file).mechanisms,
        [ScramSha1]
    );

    // Starting a hidden mechanism is refused, with the reason.
    let (_, r) = wire(
        &strict,
        &auth,
        Transport::Cleartext,
        "PLAIN",
        Some(&encode(b"\0bob\0pw")),
        &[],
    );
    assert_eq!(r.err(), Some(Failure::EncryptionRequired));
    let (_, r) = wire(
        &listed,
        &file,
        Transport::Encrypted,
        "SCRAM-SHA-256",
        None,
        &[],
    );
    assert_eq!(r.err(), Some(Failure::UnknownMechanism));
    let (_, r) = wire(&strict, &file, Transport::Encrypted, "CRAM-MD5", None, &[]);
    assert_eq!(r.err(), Some(Failure::UnknownMechanism));

    // IMAP LOGIN / POP3 USER follow the same rule.
    assert_eq!(
        strict
            .check_login(Transport::Cleartext, "bob", &Secret::from("pw"), &file)
            .err(),
        Some(Failure::EncryptionRequired)
    );
    let p = strict
        .check_login(Transport::Encrypted, "bob", &Secret::from("pw"), &file)
        .expect("ok");
    assert_eq!(p.method(), AuthMethod::Password);
}

#[test]
fn alwaystrue_accepts_any_nonempty_password() {
    let auth = AlwaysTrue::new(policy());
    let cfg = config(None, PlaintextPolicy::Allowed);
    let (_, r) = wire(
        &cfg,
        &auth,
        Transport::Cleartext,
        "PLAIN",
        Some(&encode(b"\0anyone\0x")),
        &[],
    );
    assert_eq!(r.expect("ok").proof.userid(), "anyone");
    let (_, r) = wire(
        &cfg,
        &auth,
        Transport::Cleartext,
        "PLAIN",
        Some(&encode(b"\0anyone\0")),
        &[],
    );
    assert_eq!(r.err(), Some(Failure::AuthenticationFailed));
    assert!(auth.is_admin("admin"));
}

#[test]
fn nothing_secret_in_debug_output() {
    let (_d, f) = users();
    let cfg = config(None, PlaintextPolicy::Allowed);
    let step = cfg.start(
        Start {
            mechanism: "LOGIN",
            initial_response: Some(Secret::from("bob")),
            transport: Transport::Cleartext,
            final_data: FinalData::AsChallenge,
            nonce: ServerNonce::random(),
        },
        &f,
    );
    let Step::Challenge { exchange, .. } = step else {
        panic!("challenge expected")
    };
    let r = exchange.respond(
        decode_response(encode(b"pw-sekrit").as_bytes()).expect("b64"),
        &f,
    );
    assert!(!format!("{r:?}").contains("sekrit"));
    let resp = decode_response(encode(b"pw-sekrit").as_bytes()).expect("b64");
    assert!(!format!("{resp:?}").contains("sekrit"));
}
