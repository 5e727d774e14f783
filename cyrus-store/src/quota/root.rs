use std::fmt::Write as _;

use super::value::{Quota, QuotaError, QuotaResource};
use crate::db::{Db, Walk};
use crate::mboxname::{MailboxName, Namespace};

/// Reads the record of quota root `root` (an internal name).
pub fn read(db: &mut dyn Db, root: &str) -> Result<Option<Quota>, QuotaError> {
    match db.fetch(root.as_bytes())? {
        Some(v) => Ok(Some(Quota::decode(root, &v)?)),
        None => Ok(None),
    }
}

/// Writes a quota root's record.
pub fn write(db: &mut dyn Db, q: &Quota) -> Result<(), QuotaError> {
    db.store(q.root.as_bytes(), &q.encode())?;
    Ok(())
}

/// Removes a quota root.
pub fn remove(db: &mut dyn Db, root: &str) -> Result<(), QuotaError> {
    db.delete(root.as_bytes())?;
    Ok(())
}

/// Every quota root whose name starts with `prefix`, in key order.
/// Records that do not parse are skipped, as Cyrus `quota_foreach` does.
pub fn all(db: &mut dyn Db, prefix: &str) -> Result<Vec<Quota>, QuotaError> {
    let mut out = Vec::new();
    db.foreach(prefix.as_bytes(), &mut |k, v| {
        if let Ok(root) = std::str::from_utf8(k) {
            if let Ok(q) = Quota::decode(root, v) {
                out.push(q);
            }
        }
        Ok(Walk::Continue)
    })?;
    Ok(out)
}

/// The quota root governing `name`: the nearest of the name itself and
/// its ancestors that has a record, then the domain-wide root
/// `<domain>!` (Cyrus `quota_findroot`).
pub fn find_root(db: &mut dyn Db, name: &MailboxName) -> Result<Option<String>, QuotaError> {
    let mut cur = Some(name.clone());
    while let Some(n) = cur {
        let key = n.to_internal();
        if db.fetch(key.as_bytes())?.is_some() {
            return Ok(Some(key));
        }
        cur = n.parent();
    }
    if let Some(d) = name.domain() {
        let key = format!("{d}!");
        if db.fetch(key.as_bytes())?.is_some() {
            return Ok(Some(key));
        }
    }
    Ok(None)
}

fn ext_root(ns: &Namespace, root: &str) -> String {
    MailboxName::from_internal(root)
        .ok()
        .and_then(|n| ns.to_external(&n, None))
        .unwrap_or_else(|| root.to_string())
}

/// The `quota` tool's report (`reportquota`): a header, then one line per
/// resource per root, roots shown as the admin sees them (`user/alice`).
pub fn report(ns: &Namespace, quotas: &[Quota]) -> String {
    let mut out = String::from("   Quota   % Used     Used             Resource Root\n");
    for q in quotas {
        let root = ext_root(ns, &q.root);
        for r in QuotaResource::ALL {
            let used = q.used(r) / r.unit();
            match q.limit(r) {
                Some(l) if l > 0 => {
                    let _ = write!(out, " {l:>7} {:>8}", used * 100 / l);
                }
                Some(_) => out.push_str("       0         "),
                None => out.push_str("                 "),
            }
            let _ = writeln!(out, " {used:>8} {:>20} {root}", r.name());
        }
    }
    out
}

/// The `quota -J` report: jansson `JSON_INDENT(2)` output, limits in
/// used units (bytes for storage).
pub fn report_json(ns: &Namespace, quotas: &[Quota]) -> String {
    let mut out = String::from("{");
    for (i, q) in quotas.iter().enumerate() {
        out.push_str(if i > 0 { ",\n" } else { "\n" });
        let _ = write!(
            out,
            "  {}: {{",
            serde_json::Value::from(ext_root(ns, &q.root))
        );
        for (j, r) in QuotaResource::ALL.into_iter().enumerate() {
            out.push_str(if j > 0 { ",\n" } else { "\n" });
            let _ = write!(
                out,
                "    \"{}\": {{\n      \"used\": {}",
                r.name(),
                q.used(r)
            );
            if let Some(l) = q.limit(r).filter(|&l| l > 0) {
                let _ = write!(out, ",\n      \"limit\": {}", l * r.unit());
            }
            out.push_str("\n    }");
        }
        out.push_str("\n  }");
    }
    out.push_str(if quotas.is_empty() { "}\n" } else { "\n}\n" });
    out
}
