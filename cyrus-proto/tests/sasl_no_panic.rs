//! No input makes a mechanism panic: arbitrary initial responses and
//! client lines, at every stage of every mechanism.

use cyrus_proto::sasl::{
    decode_initial_response, decode_response, AuthzPolicy, FinalData, PasswordFile,
    PlaintextPolicy, SaslConfig, Secret, ServerNonce, Start, Step, Transport, ALL_MECHANISMS,
};
use proptest::prelude::*;

fn drive(file: &PasswordFile, mech: &str, ir: Option<Vec<u8>>, lines: Vec<Vec<u8>>, fd: FinalData) {
    let cfg = SaslConfig::new(None, PlaintextPolicy::Allowed, Secret::from("k"));
    let initial_response =
        ir.map(|b| decode_initial_response(&b).unwrap_or_else(|_| Secret::new(b)));
    let mut step = cfg.start(
        Start {
            mechanism: mech,
            initial_response,
            transport: Transport::Cleartext,
            final_data: fd,
            nonce: ServerNonce::fixed("srv").expect("nonce"),
        },
        file,
    );
    for line in lines {
        let Step::Challenge { exchange, .. } = step else {
            return;
        };
        let response = match decode_response(&line) {
            Ok(r) => r,
            // Feed undecodable lines raw, to reach the parsers anyway.
            Err(_) => cyrus_proto::sasl::ClientResponse::Data(Secret::new(line)),
        };
        step = exchange.respond(response, file);
    }
}

fn scram_like() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        "[nyp]?,(a=[a-z=,]{0,4})?,(n=[a-z=2CD]{0,6})?(,r=[!-~]{0,6})?(,[a-z]=[a-z]{0,3})?"
            .prop_map(String::into_bytes),
        "c=[a-zA-Z0-9+/=]{0,8}(,r=[!-~]{0,10})?(,p=[a-zA-Z0-9+/=]{0,44})?"
            .prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn mechanisms_never_panic(
        mech in 0usize..ALL_MECHANISMS.len(),
        ir in proptest::option::of(scram_like()),
        lines in proptest::collection::vec(scram_like(), 0..4),
        with_success in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = PasswordFile::in_configdirectory(dir.path(), AuthzPolicy::default());
        file.set_password("user", &Secret::from("pencil"), Some(1)).expect("set");
        let fd = if with_success { FinalData::WithSuccess } else { FinalData::AsChallenge };
        drive(&file, ALL_MECHANISMS[mech].name(), ir, lines, fd);
    }
}
