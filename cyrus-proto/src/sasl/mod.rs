//! SASL for every protocol (IMAP AUTHENTICATE, POP3 AUTH, LMTP AUTH,
//! ManageSieve AUTHENTICATE): pure server state machines for PLAIN, LOGIN,
//! SCRAM-SHA-1 and SCRAM-SHA-256 that turn client responses into
//! challenges and finally an [`Authenticated`] proof (which only this
//! module can build) or a [`Failure`]; which mechanisms to advertise under
//! `sasl_mech_list` and `allowplaintext`; wire base64; and the password
//! sources behind the [`Authenticator`] trait (`alwaystrue`, the SCRAM
//! password file, saslauthd). No async and no I/O here except the password
//! file and the blocking saslauthd client.

mod alwaystrue;
mod authenticator;
mod authorize;
mod encoding;
mod exchange;
mod login;
mod nonce;
mod outcome;
mod passwd_file;
mod passwd_record;
mod plain;
mod registry;
mod saslauthd;
mod scram;
mod scram_keys;
mod secret;

pub use alwaystrue::AlwaysTrue;
pub use authenticator::{AuthError, Authenticator, AuthzPolicy};
pub use encoding::{decode, decode_initial_response, decode_response, encode, ClientResponse};
pub use exchange::{Exchange, FinalData, Start, Step, Success};
pub use nonce::{random_mock_key, ServerNonce};
pub use outcome::{AuthMethod, Authenticated, Failure};
pub use passwd_file::{PasswordFile, PASSWORD_FILE_NAME};
pub use passwd_record::{PasswordRecord, DEFAULT_ITERATIONS};
pub use registry::{
    Advertisement, Mechanism, PlaintextPolicy, SaslConfig, Transport, ALL_MECHANISMS,
};
pub use saslauthd::{Saslauthd, DEFAULT_SASLAUTHD_PATH};
pub use scram_keys::{ScramCredentials, ScramHash, MAX_ITERATIONS};
pub use secret::{constant_time_eq, Secret};
