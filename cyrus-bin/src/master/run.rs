//! Running the planned services until a shutdown signal.

use std::path::Path;
use std::time::Duration;

use cyrus_proto::runtime::{
    shutdown_signal, Bridge, ListenAddr, Notifier, Server, ServiceSpec, TlsMode,
};

use super::plan::{plan_services, Program, ServicePlan};
use crate::config::{CyrusConf, ImapdConf};
use crate::site::Site;
use crate::tools::ToolError;

/// Blocking store calls allowed at once across all connections.
const BRIDGE_LIMIT: usize = 64;
/// How long shutdown waits for connections to finish.
const DRAIN: Duration = Duration::from_secs(30);

/// Serves every built-in service of `cyrus_conf` until SIGTERM/SIGINT.
/// `ready` is called with each bound address (tests use it).
pub fn run(
    imapd_conf: &Path,
    cyrus_conf: &Path,
    services_file: &Path,
    ready: &mut dyn FnMut(&str, &ListenAddr),
) -> Result<(), ToolError> {
    let conf = ImapdConf::load(imapd_conf)?;
    for w in conf.warnings() {
        eprintln!("{}:{}: warning: {}", w.path.display(), w.line, w.message);
    }
    let site = Site::open(conf, "master")?;
    let master = CyrusConf::load(cyrus_conf)?;
    let (plans, warnings) = plan_services(&master, services_file);
    for w in warnings {
        eprintln!("warning: {w}");
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| ToolError::Io {
            path: "tokio runtime".into(),
            source,
        })?;
    rt.block_on(async {
        let server = Server::new(Bridge::new(BRIDGE_LIMIT), Notifier::new(), DRAIN);
        let mut served = 0;
        for plan in &plans {
            match serve(&server, &site, plan).await {
                Ok(Some(addr)) => {
                    ready(&plan.name, &addr);
                    served += 1;
                }
                Ok(None) => eprintln!(
                    "cyr_master: service {}: {:?} is not built into this version; skipped",
                    plan.name, plan.program
                ),
                Err(e) => eprintln!("cyr_master: service {}: {e}", plan.name),
            }
        }
        if served == 0 {
            return Err(ToolError::Usage("no service could be started".into()));
        }
        shutdown_signal().await.map_err(|source| ToolError::Io {
            path: "signals".into(),
            source,
        })?;
        server.shutdown().await;
        Ok(())
    })
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
    let _spec = ServiceSpec {
        name: plan.name.clone(),
        listen: plan.listen.clone(),
        tls,
        starttls: site.tls.clone(),
        max_connections: plan.max_connections,
    };
    let _ = server;
    match plan.program {
        // The protocol front-ends plug in here as they land.
        Program::Imapd | Program::Pop3d | Program::Lmtpd | Program::Timsieved | Program::Other => {
            Ok(None)
        }
    }
}
