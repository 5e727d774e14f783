//! How a run goes: master's start-up order, serving, and stopping; and
//! the standalone daemons, which are master's serving part alone.

use std::path::Path;
use std::time::Duration;

use std::sync::Arc;

use cyrus_proto::imap::{ImapConfig, ImapSession, SiteFiles};
use cyrus_proto::lmtp::{
    LmtpConfig, LmtpSasl, LmtpSession, RandomSessionIds, Sendmail, SessionIds,
};
use cyrus_proto::managesieve::{ManageSieveConfig, ManageSieveSession, ServerInfo};
use cyrus_proto::pop3::{Pop3Config, Pop3Session, UidlFormat};
use cyrus_proto::runtime::{
    shutdown_signal, Bridge, ConnInfo, ListenAddr, Notifier, Server, ServiceSpec, TlsMode,
};
use cyrus_proto::sieve::ExtensionSet;

use tokio::task::JoinHandle;

use super::commands::{Launch, Resolver};
use super::daemons::{self, WaitOutcome};
use super::entries::{plan_children, ChildPlans, DaemonPlan};
use super::error::MasterError;
use super::events;
use super::flags::{run_debugger, ServiceFlags};
use super::plan::{plan_services, Program, ServicePlan};
use super::startup::{run_start, StartOutcome};
use super::stop::{Stop, StopSignals};
use crate::config::{parse_listen, CyrusConf, ImapdConf};
use crate::site::{SendmailCommand, Site};
use crate::tools::ToolError;

/// Blocking store calls allowed at once across all connections.
const BRIDGE_LIMIT: usize = 64;
/// How long shutdown waits for connections to finish.
const DRAIN: Duration = Duration::from_secs(30);

/// Runs `cyrus_conf` as Cyrus's master does, until SIGTERM/SIGINT/SIGQUIT:
/// 1. START commands, each to completion, in file order;
/// 2. `wait=y` DAEMON entries, one at a time, each until it says `ok`;
/// 3. the store opens and every built-in service listens (`ready` is
///    called with each bound address; tests use it);
/// 4. the other daemons and the EVENTS schedule start.
///
/// On a stop signal the services drain while events and plain daemons get
/// SIGTERM; wait daemons stop last, in reverse order (Cyrus does the same).
pub fn run(
    imapd_conf: &Path,
    cyrus_conf: &Path,
    services_file: &Path,
    ready: &mut dyn FnMut(&str, &ListenAddr),
) -> Result<(), ToolError> {
    let conf = load(imapd_conf)?;
    let master = CyrusConf::load(cyrus_conf)?;
    let (plans, warnings) = plan_services(&master, services_file);
    let (children, child_warnings) = plan_children(&master);
    for w in warnings.iter().chain(&child_warnings) {
        eprintln!("warning: {w}");
    }
    let resolver = Resolver::new(imapd_conf);
    let rt = runtime()?;
    let mut signals = {
        let _entered = rt.enter();
        StopSignals::install().map_err(MasterError::Signals)?
    };

    if rt.block_on(run_start(&children.start, &resolver, &mut signals))? == StartOutcome::Stopped {
        return Ok(());
    }
    let Some(wait_daemons) = rt.block_on(start_wait_daemons(
        &children.daemons,
        &resolver,
        &mut signals,
    ))?
    else {
        return Ok(());
    };
    let result = Site::open(conf, "master")
        .map_err(ToolError::from)
        .and_then(|site| {
            rt.block_on(serve_with_children(
                &site,
                &plans,
                children,
                &resolver,
                &mut signals,
                ready,
            ))
        });
    rt.block_on(stop_wait_daemons(wait_daemons));
    result
}

/// Starts the `wait=y` daemons in file order; `None` when a stop signal
/// came first. On failure the ones already started are stopped.
async fn start_wait_daemons(
    daemons: &[DaemonPlan],
    resolver: &Resolver,
    signals: &mut StopSignals,
) -> Result<Option<Vec<(Stop, JoinHandle<()>)>>, MasterError> {
    let mut started = Vec::new();
    for plan in daemons.iter().filter(|d| d.wait) {
        let Some(launch) = resolve_daemon(plan, resolver) else {
            continue;
        };
        let stop = Stop::new();
        match daemons::start_waiting(plan, launch, signals, stop.token()).await {
            Ok(WaitOutcome::Ready(handle)) => started.push((stop, handle)),
            Ok(WaitOutcome::Stopped) => {
                stop_wait_daemons(started).await;
                return Ok(None);
            }
            Err(e) => {
                stop_wait_daemons(started).await;
                return Err(e);
            }
        }
    }
    Ok(Some(started))
}

/// Stops wait daemons one at a time, the last started first.
async fn stop_wait_daemons(started: Vec<(Stop, JoinHandle<()>)>) {
    for (stop, handle) in started.into_iter().rev() {
        stop.stop();
        let _ = handle.await;
    }
}

/// What a DAEMON entry runs; `None` (reported) when it is not installed:
/// Cyrus refuses to start then, but the packaged samples name daemons
/// (`idled`) this implementation does not have.
fn resolve_daemon(plan: &DaemonPlan, resolver: &Resolver) -> Option<Launch> {
    let launch = resolver.resolve(&plan.cmd);
    if launch.is_none() {
        eprintln!(
            "cyr_master: DAEMON {}: {} not available; not started",
            plan.name,
            plan.cmd.program()
        );
    }
    launch
}

/// Serves `plans`, runs the plain daemons and the events, and on a stop
/// signal stops them all (wait daemons excepted).
async fn serve_with_children(
    site: &Site,
    plans: &[ServicePlan],
    children: ChildPlans,
    resolver: &Resolver,
    signals: &mut StopSignals,
    ready: &mut dyn FnMut(&str, &ListenAddr),
) -> Result<(), ToolError> {
    let server = new_server();
    let served = serve_all(&server, site, plans, "master", ready).await;
    let stop = Stop::new();
    let mut supervisors = Vec::new();
    for plan in children.daemons.iter().filter(|d| !d.wait) {
        if let Some(launch) = resolve_daemon(plan, resolver) {
            supervisors.push(daemons::start(plan, launch, stop.token()));
        }
    }
    if !children.events.is_empty() {
        supervisors.push(events::start(
            children.events,
            resolver.clone(),
            stop.token(),
        ));
    }
    if served == 0 && supervisors.is_empty() {
        return Err(ToolError::Usage("no service could be started".into()));
    }
    signals.recv().await;
    stop.stop();
    let children_stopped = async {
        for handle in supervisors {
            let _ = handle.await;
        }
    };
    tokio::join!(server.shutdown(), children_stopped);
    Ok(())
}

/// One daemon without master (`cyr_imapd`, `cyr_lmtpd`): serves `program`
/// on `listen` (a cyrus.conf `listen=` value) with Cyrus's service flags in
/// `args` (`-s`, `-a`).
pub fn run_standalone(
    imapd_conf: &Path,
    program: Program,
    name: &str,
    listen: &str,
    args: Vec<String>,
    services_file: &Path,
    ready: &mut dyn FnMut(&str, &ListenAddr),
) -> Result<(), ToolError> {
    let conf = load(imapd_conf)?;
    let flags = ServiceFlags::parse(&args)?;
    if flags.debugger {
        run_debugger(&conf, name);
    }
    let plan = ServicePlan {
        name: name.to_string(),
        program,
        implicit_tls: args.iter().any(|a| a == "-s"),
        args,
        listen: parse_listen(listen, "tcp", services_file)?,
        max_connections: None,
    };
    run_plans_until(
        conf,
        std::slice::from_ref(&plan),
        name,
        ready,
        flags.reuse_timeout,
    )
}

/// The whole `main` of a standalone daemon: runs [`run_standalone`] and
/// turns the outcome into an exit code, printing bound addresses on stdout
/// and errors on stderr as `<binary>: …`.
pub fn standalone_main(
    binary: &str,
    imapd_conf: Option<&Path>,
    program: Program,
    name: &str,
    listen: &str,
    args: Vec<String>,
    services_file: &Path,
) -> std::process::ExitCode {
    let conf = imapd_conf.unwrap_or(Path::new(crate::tools::DEFAULT_CONFIG));
    let result = run_standalone(
        conf,
        program,
        name,
        listen,
        args,
        services_file,
        &mut |n, a| {
            println!("{binary}: {n} listening on {a}");
        },
    );
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{binary}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn load(imapd_conf: &Path) -> Result<ImapdConf, ToolError> {
    let conf = ImapdConf::load(imapd_conf)?;
    for w in conf.warnings() {
        eprintln!("{}:{}: warning: {}", w.path.display(), w.line, w.message);
    }
    Ok(conf)
}

/// Runs `plans` until a shutdown signal or, with `reuse_timeout`, until
/// no client has been connected for that long.
fn run_plans_until(
    conf: ImapdConf,
    plans: &[ServicePlan],
    ident: &str,
    ready: &mut dyn FnMut(&str, &ListenAddr),
    reuse_timeout: Option<Duration>,
) -> Result<(), ToolError> {
    let site = Site::open(conf, ident)?;
    let rt = runtime()?;
    rt.block_on(async {
        let server = new_server();
        if serve_all(&server, &site, plans, ident, ready).await == 0 {
            return Err(ToolError::Usage("no service could be started".into()));
        }
        let idle = async {
            match reuse_timeout {
                Some(t) => server.idle_for(t).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            r = shutdown_signal() => r.map_err(|source| ToolError::Io {
                path: "signals".into(),
                source,
            })?,
            () = idle => tracing::info!(
                "no connection for the -T reuse timeout; exiting"
            ),
        }
        server.shutdown().await;
        Ok(())
    })
}

/// The one runtime a daemon runs on.
fn runtime() -> Result<tokio::runtime::Runtime, ToolError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| ToolError::Io {
            path: "tokio runtime".into(),
            source,
        })
}

fn new_server() -> Server {
    Server::new(Bridge::new(BRIDGE_LIMIT), Notifier::new(), DRAIN)
}

/// Starts every service of `plans` it can, reporting the others; returns
/// how many listen.
async fn serve_all(
    server: &Server,
    site: &Site,
    plans: &[ServicePlan],
    ident: &str,
    ready: &mut dyn FnMut(&str, &ListenAddr),
) -> usize {
    let mut served = 0;
    for plan in plans {
        match serve(server, site, plan).await {
            Ok(Some(addr)) => {
                ready(&plan.name, &addr);
                served += 1;
            }
            Ok(None) => eprintln!(
                "cyr_{ident}: service {}: {:?} is not built into this version; skipped",
                plan.name, plan.program
            ),
            Err(e) => eprintln!("cyr_{ident}: service {}: {e}", plan.name),
        }
    }
    served
}

/// Starts one service; `None` when its program is not built in.
async fn serve(
    server: &Server,
    site: &Site,
    plan: &ServicePlan,
) -> Result<Option<ListenAddr>, ToolError> {
    let tls = if plan.implicit_tls {
        match &site.tls {
            Some(cfg) => TlsMode::Implicit(cfg.clone()),
            None => {
                return Err(ToolError::Usage(
                    "-s needs tls_server_cert and tls_server_key".into(),
                ))
            }
        }
    } else {
        TlsMode::Plain
    };
    let spec = ServiceSpec {
        name: plan.name.clone(),
        listen: plan.listen.clone(),
        tls,
        // STARTTLS is offered on plain services when TLS is configured.
        starttls: if plan.implicit_tls {
            None
        } else {
            site.tls.clone()
        },
        max_connections: plan.max_connections,
    };
    let bound = match plan.program {
        Program::Imapd => {
            let conf = site.conf.clone().with_service(&plan.name);
            let mut config = imap_config(&conf);
            config.starttls = spec.starttls.is_some();
            config.notifier = server.notifier().clone();
            config.site_files = SiteFiles {
                config_dir: Some(site.store.options().config_dir.clone()),
                admins: conf
                    .raw("admins")
                    .unwrap_or("")
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
                telemetry_by_session_id: conf.switch("telemetry_bysessionid"),
            };
            let (store, sasl, auth) = (site.store.clone(), site.sasl.clone(), site.auth.clone());
            server
                .serve(spec, move |info: &ConnInfo| {
                    ImapSession::new(
                        store.clone(),
                        sasl.clone(),
                        auth.clone(),
                        config.clone(),
                        info.clone(),
                    )
                })
                .await
        }
        Program::Lmtpd => {
            clean_stage(&site.store);
            let conf = site.conf.clone().with_service(&plan.name);
            let mut config = lmtp_config(&conf, plan);
            config.starttls = spec.starttls.is_some();
            config.notifier = Some(server.notifier().clone());
            let config = Arc::new(config);
            let sendmail: Arc<dyn Sendmail> = Arc::new(SendmailCommand::new(
                conf.string("sendmail")
                    .unwrap_or_else(|| "/usr/sbin/sendmail".into()),
            ));
            let ids: Arc<dyn SessionIds> = Arc::new(RandomSessionIds::new(
                conf.raw("syslog_prefix").unwrap_or("cyrus"),
            ));
            let store = site.store.clone();
            let sasl = LmtpSasl {
                config: site.sasl.clone(),
                auth: site.auth.clone(),
            };
            server
                .serve(spec, move |info: &ConnInfo| {
                    LmtpSession::new(
                        store.clone(),
                        config.clone(),
                        sendmail.clone(),
                        ids.clone(),
                        info,
                    )
                    .with_sasl(Some(sasl.clone()))
                })
                .await
        }
        Program::Timsieved => {
            let conf = site.conf.clone().with_service(&plan.name);
            let mut config = managesieve_config(&conf);
            config.starttls = spec.starttls.is_some();
            let config = Arc::new(config);
            let (store, sasl, auth) = (site.store.clone(), site.sasl.clone(), site.auth.clone());
            server
                .serve(spec, move |info: &ConnInfo| {
                    ManageSieveSession::new(
                        store.clone(),
                        sasl.clone(),
                        auth.clone(),
                        config.clone(),
                        info,
                    )
                })
                .await
        }
        Program::Pop3d => {
            let conf = site.conf.clone().with_service(&plan.name);
            let mut config = pop3_config(&conf);
            config.starttls = spec.starttls.is_some();
            config.userdeny_service = plan.name.clone();
            let config = Arc::new(config);
            let ids: Arc<dyn SessionIds> = Arc::new(RandomSessionIds::new(
                conf.raw("syslog_prefix").unwrap_or("cyrus"),
            ));
            let (store, sasl, auth) = (site.store.clone(), site.sasl.clone(), site.auth.clone());
            server
                .serve(spec, move |info: &ConnInfo| {
                    Pop3Session::new(
                        store.clone(),
                        sasl.clone(),
                        auth.clone(),
                        config.clone(),
                        ids.clone(),
                        info,
                    )
                })
                .await
        }
        // The other front-ends plug in here as they land.
        Program::Other => return Ok(None),
    };
    bound.map(Some).map_err(|source| ToolError::Io {
        path: plan.listen.to_string(),
        source,
    })
}

/// Removes the stage files (`<partition>/stage./`) that deliveries cut
/// off by a crash left; a file younger than an hour may belong to a
/// delivery another lmtpd is making, so it stays.
fn clean_stage(store: &cyrus_store::Store) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    match store.clean_stage(now - 3600) {
        Ok(0) => {}
        Ok(n) => tracing::info!(files = n, "removed stale stage files"),
        Err(e) => tracing::warn!(error = %e, "cannot clean stage directories"),
    }
}

/// LMTP settings from `imapd.conf` and the service's flags (`-a`: trust
/// TCP clients as lmtpd does).
fn lmtp_config(conf: &ImapdConf, plan: &ServicePlan) -> LmtpConfig {
    let mut c = LmtpConfig::default();
    if let Some(name) = conf.raw("servername") {
        c.servername = name.to_string();
    }
    let max = conf.int("maxmessagesize");
    c.max_message_size = (max > 0).then(|| usize::try_from(max).unwrap_or(usize::MAX));
    c.trust_tcp = plan.args.iter().any(|a| a == "-a");
    c.downcase_rcpt = conf.switch("lmtp_downcase_rcpt");
    c.over_quota_perm_failure = conf.switch("lmtp_over_quota_perm_failure");
    c.duplicate_suppression = conf.switch("duplicatesuppression");
    c.sieve_use_lmtp_reject = conf.switch("sieve_use_lmtp_reject");
    c.fuzzy_mailbox_match = conf.switch("lmtp_fuzzy_mailbox_match");
    c.catchall_mailbox = conf
        .string("lmtp_catchall_mailbox")
        .filter(|s| !s.is_empty());
    c.soft_noauth = conf.switch("soft_noauth");
    c.userdeny_service = Some(plan.name.clone());
    if let Some(p) = conf.raw("postmaster") {
        c.postmaster = p.to_string();
    }
    c
}

/// ManageSieve settings from `imapd.conf` (service overrides applied).
fn managesieve_config(conf: &ImapdConf) -> ManageSieveConfig {
    let mut c = ManageSieveConfig::default();
    if let Some(name) = conf.raw("servername") {
        c.servername = name.to_string();
    }
    c.server_info = match conf.enum_value("serverinfo").as_str() {
        "off" => ServerInfo::Off,
        "min" => ServerInfo::Min,
        _ => ServerInfo::On,
    };
    if let Some(list) = conf.string("sieve_extensions") {
        let (set, unknown) = ExtensionSet::from_cyrus_option(&list);
        for u in unknown {
            tracing::info!(extension = %u, "sieve extension not supported; not offered");
        }
        c.extensions = set;
    }
    let size = conf.int("sieve_maxscriptsize");
    if size > 0 {
        c.limits.max_script_size = usize::try_from(size).unwrap_or(usize::MAX / 1024) * 1024;
        c.max_literal = c.max_literal.max(c.limits.max_script_size);
    }
    let count = conf.int("sieve_maxscripts");
    if count >= 0 {
        c.limits.max_scripts = usize::try_from(count).unwrap_or(usize::MAX);
    }
    // `timeout` is in minutes, at least 10 for timsieved.
    let timeout = conf.duration("timeout", 'm').max(10 * 60);
    c.idle_timeout = Duration::from_secs(u64::try_from(timeout).unwrap_or(30 * 60));
    c
}

/// POP3 settings from `imapd.conf` (service overrides applied).
fn pop3_config(conf: &ImapdConf) -> Pop3Config {
    let mut c = Pop3Config::default();
    if let Some(name) = conf.raw("servername") {
        c.servername = name.to_string();
    }
    c.server_info = !matches!(conf.enum_value("serverinfo").as_str(), "off" | "min");
    // `popminpoll` counts in minutes, `popexpiretime` in days (negative:
    // NEVER), `poptimeout` in minutes with a floor of ten (pop3d(8)).
    c.min_poll = u32::try_from(conf.duration("popminpoll", 'm').max(0)).unwrap_or(u32::MAX);
    c.poll_padding = u32::try_from(conf.int("poppollpadding").max(1)).unwrap_or(1);
    let expire = conf.duration("popexpiretime", 'd');
    c.expire_days = (expire >= 0).then(|| u32::try_from(expire / 86_400).unwrap_or(u32::MAX));
    c.use_imap_flags = conf.switch("popuseimapflags");
    c.uidl_format = match conf.enum_value("uidl_format").as_str() {
        "uidonly" => UidlFormat::UidOnly,
        "dovecot" => UidlFormat::Dovecot,
        "courier" => UidlFormat::Courier,
        _ => UidlFormat::Cyrus,
    };
    let timeout = conf.duration("poptimeout", 'm').max(10 * 60);
    c.idle_timeout = Duration::from_secs(u64::try_from(timeout).unwrap_or(10 * 60));
    for unsupported in ["popuseacl", "popsubfolders"] {
        if conf.switch(unsupported) {
            tracing::warn!(option = unsupported, "not supported by cyr_pop3d; ignored");
        }
    }
    c
}

/// IMAP settings from `imapd.conf` (service overrides applied).
fn imap_config(conf: &ImapdConf) -> ImapConfig {
    let mut c = ImapConfig::default();
    if let Some(name) = conf.raw("servername") {
        c.servername = name.to_string();
    }
    let max = conf.int("maxmessagesize");
    if max > 0 {
        c.limits.max_literal = u32::try_from(max).unwrap_or(u32::MAX);
    }
    // `timeout` is in minutes, at least 30 (imapd(8)).
    let timeout = conf.duration("timeout", 'm').max(30 * 60);
    c.timeout = Duration::from_secs(u64::try_from(timeout).unwrap_or(32 * 60));
    let poll = conf.duration("imapidlepoll", 's');
    if poll > 0 {
        c.idle_poll = Duration::from_secs(u64::try_from(poll).unwrap_or(60));
    }
    c
}
