//! SCRAM-SHA-1 / SCRAM-SHA-256 server against the RFC 5802 §5 and RFC 7677
//! §3 example conversations, and against credentials from the password
//! file with an independent client written here.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cyrus_proto::sasl::{
    AuthError, AuthMethod, Authenticator, AuthzPolicy, ClientResponse, Failure, FinalData,
    Mechanism, PasswordFile, PasswordRecord, PlaintextPolicy, SaslConfig, ScramCredentials,
    ScramHash, Secret, ServerNonce, Start, Step, Success, Transport,
};
use hmac::{Hmac, Mac};
use sha2::Digest;

/// A source holding SCRAM keys for one user, derived from "pencil" with
/// the RFC's salt, per hash.
struct RfcUser {
    sha1: ScramCredentials,
    sha256: ScramCredentials,
}

impl RfcUser {
    fn new() -> Self {
        let pw = Secret::from("pencil");
        let s1 = STANDARD.decode("QSXCR+Q6sek8bf92").expect("b64");
        let s256 = STANDARD.decode("W22ZaJ0SNY7soEsUEjb6gQ==").expect("b64");
        RfcUser {
            sha1: ScramCredentials::derive(ScramHash::Sha1, &pw, &s1, 4096),
            sha256: ScramCredentials::derive(ScramHash::Sha256, &pw, &s256, 4096),
        }
    }
}

impl Authenticator for RfcUser {
    fn verify_password(&self, _: &str, _: &Secret) -> Result<bool, AuthError> {
        Ok(false)
    }
    fn scram_credentials(
        &self,
        authcid: &str,
        hash: ScramHash,
    ) -> Result<Option<ScramCredentials>, AuthError> {
        Ok((authcid == "user").then(|| match hash {
            ScramHash::Sha1 => self.sha1.clone(),
            _ => self.sha256.clone(),
        }))
    }
    fn offers_scram(&self) -> bool {
        true
    }
    fn may_authorize(&self, authcid: &str, _: &str) -> bool {
        authcid == "admin"
    }
    fn is_admin(&self, _: &str) -> bool {
        false
    }
}

fn config() -> SaslConfig {
    SaslConfig::new(
        None,
        PlaintextPolicy::RequireEncryption,
        Secret::from("mock key"),
    )
}

fn start(mech: &str, ir: Option<&str>, nonce: &str, final_data: FinalData) -> Start<'static> {
    Start {
        mechanism: Box::leak(mech.to_owned().into_boxed_str()),
        initial_response: ir.map(Secret::from),
        transport: Transport::Cleartext,
        final_data,
        nonce: ServerNonce::fixed(nonce).expect("valid nonce"),
    }
}

/// Runs a conversation: `expect` pairs each client message with the
/// challenge the server must answer with (`None` for the last step).
fn converse(
    auth: &dyn Authenticator,
    st: Start<'_>,
    client: &[&str],
) -> (Vec<String>, Result<Success, Failure>) {
    let cfg = config();
    let mut step = cfg.start(st, auth);
    let mut challenges = Vec::new();
    let mut client = client.iter();
    loop {
        match step {
            Step::Challenge {
                exchange,
                challenge,
            } => {
                challenges.push(String::from_utf8(challenge).expect("utf8 challenge"));
                let Some(msg) = client.next() else {
                    return (challenges, Err(Failure::Cancelled));
                };
                step = exchange.respond(ClientResponse::Data(Secret::from(*msg)), auth);
            }
            Step::Success(s) => return (challenges, Ok(s)),
            Step::Failure(f) => return (challenges, Err(f)),
        }
    }
}

#[test]
fn rfc5802_scram_sha1_example() {
    let (ch, res) = converse(
        &RfcUser::new(),
        start(
            "SCRAM-SHA-1",
            Some("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"),
            "3rfcNHYJY1ZVvWVs7j",
            FinalData::WithSuccess,
        ),
        &["c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="],
    );
    assert_eq!(
        ch,
        ["r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"]
    );
    let s = res.expect("success");
    assert_eq!(
        s.final_data.as_deref(),
        Some(&b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ="[..])
    );
    assert_eq!(s.proof.userid(), "user");
    assert_eq!(s.proof.method(), AuthMethod::Sasl(Mechanism::ScramSha1));
}

const RFC7677_FINAL: &str = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";

#[test]
fn rfc7677_scram_sha256_example_without_initial_response() {
    // No SASL-IR: the server opens with an empty challenge; the
    // server-final message goes out as a challenge answered by an empty
    // response (IMAP style).
    let (ch, res) = converse(
        &RfcUser::new(),
        start(
            "scram-sha-256",
            None,
            "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
            FinalData::AsChallenge,
        ),
        &["n,,n=user,r=rOprNGfwEbeRWgbNEkqO", RFC7677_FINAL, ""],
    );
    assert_eq!(
        ch,
        [
            "",
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
        ]
    );
    let s = res.expect("success");
    assert!(s.final_data.is_none());
    assert_eq!(s.proof.authcid(), "user");
}

#[test]
fn rfc7677_against_password_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let salt = STANDARD.decode("W22ZaJ0SNY7soEsUEjb6gQ==").expect("b64");
    let rec = PasswordRecord::with_salt("user", &Secret::from("pencil"), &salt, 4096).expect("rec");
    let file = PasswordFile::in_configdirectory(dir.path(), AuthzPolicy::default());
    std::fs::write(file.path(), format!("{}\n", rec.to_line())).expect("write");
    let (_, res) = converse(
        &file,
        start(
            "SCRAM-SHA-256",
            Some("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"),
            "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
            FinalData::WithSuccess,
        ),
        &[RFC7677_FINAL],
    );
    assert_eq!(
        res.expect("success").final_data.as_deref(),
        Some(&b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="[..])
    );
}

/// An independent SCRAM client (RFC 5802 §3), for SHA-256 only.
fn client_final(
    password: &str,
    gs2: &str,
    client_first_bare: &str,
    server_first: &str,
) -> (String, String) {
    let mut attrs = server_first.split(',');
    let nonce = attrs.next().and_then(|a| a.strip_prefix("r=")).expect("r=");
    let salt = STANDARD
        .decode(attrs.next().and_then(|a| a.strip_prefix("s=")).expect("s="))
        .expect("salt");
    let iters: u32 = attrs
        .next()
        .and_then(|a| a.strip_prefix("i="))
        .expect("i=")
        .parse()
        .expect("i");
    let mut salted = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), &salt, iters, &mut salted);
    let hmac = |k: &[u8], d: &[u8]| {
        let mut m = <Hmac<sha2::Sha256> as Mac>::new_from_slice(k).expect("key");
        m.update(d);
        m.finalize().into_bytes().to_vec()
    };
    let client_key = hmac(&salted, b"Client Key");
    let stored_key = sha2::Sha256::digest(&client_key);
    let without_proof = format!("c={},r={nonce}", STANDARD.encode(gs2));
    let auth_message = format!("{client_first_bare},{server_first},{without_proof}");
    let sig = hmac(&stored_key, auth_message.as_bytes());
    let proof: Vec<u8> = client_key.iter().zip(&sig).map(|(a, b)| a ^ b).collect();
    let server_key = hmac(&salted, b"Server Key");
    let v = format!(
        "v={}",
        STANDARD.encode(hmac(&server_key, auth_message.as_bytes()))
    );
    (format!("{without_proof},p={}", STANDARD.encode(proof)), v)
}

/// Runs the client above against `auth`; returns the server's result.
fn scram_login(
    auth: &dyn Authenticator,
    user: &str,
    authzid: &str,
    password: &str,
) -> Result<Success, Failure> {
    let gs2 = if authzid.is_empty() {
        "n,,".to_owned()
    } else {
        format!("n,a={authzid},")
    };
    let bare = format!("n={user},r=clientnonce123");
    let cfg = config();
    let st = Start {
        mechanism: "SCRAM-SHA-256",
        initial_response: Some(Secret::from(format!("{gs2}{bare}"))),
        transport: Transport::Cleartext,
        final_data: FinalData::WithSuccess,
        nonce: ServerNonce::random(),
    };
    let Step::Challenge {
        exchange,
        challenge,
    } = cfg.start(st, auth)
    else {
        panic!("expected server-first");
    };
    let server_first = String::from_utf8(challenge).expect("utf8");
    let (final_msg, expected_v) = client_final(password, &gs2, &bare, &server_first);
    match exchange.respond(ClientResponse::Data(Secret::from(final_msg)), auth) {
        Step::Success(s) => {
            assert_eq!(
                s.final_data.as_deref(),
                Some(expected_v.as_bytes()),
                "server signature"
            );
            Ok(s)
        }
        Step::Failure(f) => Err(f),
        Step::Challenge { .. } => panic!("unexpected challenge"),
    }
}

#[test]
fn scram_with_password_file_credentials() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = PasswordFile::in_configdirectory(
        dir.path(),
        AuthzPolicy::new(vec!["admin".into()], vec![]),
    );
    file.set_password("alice", &Secret::from("s3cret"), Some(64))
        .expect("set");
    file.set_password("admin", &Secret::from("root"), Some(64))
        .expect("set");

    let ok = scram_login(&file, "alice", "", "s3cret").expect("login");
    assert_eq!(ok.proof.userid(), "alice");
    assert_eq!(
        scram_login(&file, "alice", "", "wrong").err(),
        Some(Failure::AuthenticationFailed)
    );
    // Unknown user: same failure as a wrong password, after a normal-looking
    // server-first message.
    assert_eq!(
        scram_login(&file, "nobody", "", "x").err(),
        Some(Failure::AuthenticationFailed)
    );
    // Proxy authorization.
    assert_eq!(
        scram_login(&file, "alice", "admin", "s3cret").err(),
        Some(Failure::AuthorizationFailed)
    );
    let p = scram_login(&file, "admin", "alice", "root").expect("admin may proxy");
    assert_eq!((p.proof.authcid(), p.proof.userid()), ("admin", "alice"));
    assert!(p.proof.is_proxied());
}

#[test]
fn unknown_user_salt_is_stable_and_plausible() {
    let auth = RfcUser::new();
    let first = |nonce: &str| {
        let (ch, _) = converse(
            &auth,
            start(
                "SCRAM-SHA-1",
                Some("n,,n=ghost,r=abc"),
                nonce,
                FinalData::WithSuccess,
            ),
            &[],
        );
        ch
    };
    let a = first("xyz");
    let b = first("xyz");
    assert_eq!(a, b);
    assert!(
        a[0].starts_with("r=abcxyz,s=") && a[0].ends_with(",i=4096"),
        "{a:?}"
    );
}

#[test]
fn malformed_and_refused_messages() {
    let auth = RfcUser::new();
    let bad_first = [
        "p=tls-unique,,n=user,r=abc", // channel binding not offered
        "x,,n=user,r=abc",
        "n,,m=ext,n=user,r=abc", // unknown mandatory extension
        "n,,n=user",
        "n,,n=,r=abc",
        "n,,n=us=er,r=abc",
        "n,,n=user,r=a b",
        "n,b=x,n=user,r=abc",
        "garbage",
        "",
    ];
    for m in bad_first {
        let (_, res) = converse(
            &auth,
            start("SCRAM-SHA-1", Some(m), "srv", FinalData::WithSuccess),
            &[],
        );
        assert_eq!(res.err(), Some(Failure::Malformed), "{m:?}");
    }
    // client-final with a wrong nonce, wrong c=, missing proof, short proof.
    for m in [
        "c=biws,r=abcXXX,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
        "c=eSws,r=abcsrv,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
        "c=biws,r=abcsrv",
        "c=biws,r=abcsrv,p=AAAA",
        "c=biws,r=abcsrv,p=!!",
    ] {
        let (_, res) = converse(
            &auth,
            start(
                "SCRAM-SHA-1",
                Some("n,,n=user,r=abc"),
                "srv",
                FinalData::WithSuccess,
            ),
            &[m],
        );
        assert_eq!(res.err(), Some(Failure::Malformed), "{m:?}");
    }
    // Right syntax, wrong proof.
    let (_, res) = converse(
        &auth,
        start(
            "SCRAM-SHA-1",
            Some("n,,n=user,r=abc"),
            "srv",
            FinalData::WithSuccess,
        ),
        &["c=biws,r=abcsrv,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="],
    );
    assert_eq!(res.err(), Some(Failure::AuthenticationFailed));
    // "y,," is accepted (client supports binding, thinks we do not), and
    // then c= must echo "y,,".
    let (ch, _) = converse(
        &auth,
        start(
            "SCRAM-SHA-1",
            Some("y,,n=user,r=abc"),
            "srv",
            FinalData::WithSuccess,
        ),
        &[],
    );
    assert_eq!(ch.len(), 1);
}

#[test]
fn final_ack_must_be_empty_and_cancel_works() {
    let auth = RfcUser::new();
    let (_, res) = converse(
        &auth,
        start(
            "SCRAM-SHA-256",
            Some("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"),
            "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
            FinalData::AsChallenge,
        ),
        &[RFC7677_FINAL, "junk"],
    );
    assert_eq!(res.err(), Some(Failure::Malformed));

    let cfg = config();
    let step = cfg.start(
        start("SCRAM-SHA-256", None, "n", FinalData::AsChallenge),
        &auth,
    );
    let Step::Challenge { exchange, .. } = step else {
        panic!("challenge expected")
    };
    assert!(matches!(
        exchange.respond(ClientResponse::Cancel, &auth),
        Step::Failure(Failure::Cancelled)
    ));
}

#[test]
fn scram_not_offered_without_stored_keys() {
    let auth = cyrus_proto::sasl::AlwaysTrue::default();
    let cfg = config();
    let step = cfg.start(
        start("SCRAM-SHA-1", None, "n", FinalData::AsChallenge),
        &auth,
    );
    assert!(matches!(step, Step::Failure(Failure::UnknownMechanism)));
}
