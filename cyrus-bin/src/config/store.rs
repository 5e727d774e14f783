//! From `imapd.conf` to the store's typed [`StoreOptions`].

use std::path::PathBuf;

use cyrus_store::db::DbBackend;
use cyrus_store::mailbox::ExpungeMode;
use cyrus_store::mboxname::VirtDomains;
use cyrus_store::{DbSpec, DeleteMode, StoreOptions};

use super::error::ConfigError;
use super::imapd::ImapdConf;

fn backend(conf: &ImapdConf, name: &str) -> Result<DbBackend, ConfigError> {
    let v = conf.string(name).unwrap_or_else(|| "twoskip".into());
    v.parse()
        .map_err(|_| ConfigError::Invalid(format!("{name}: backend {v:?} is not supported")))
}

fn db_spec(conf: &ImapdConf, name: &str) -> Result<DbSpec, ConfigError> {
    Ok(DbSpec {
        backend: backend(conf, &format!("{name}_db"))?,
        path: conf.raw(&format!("{name}_db_path")).map(PathBuf::from),
    })
}

/// Builds store options; fails when `configdirectory` or every partition
/// is missing, or a database backend is one we cannot read.
pub fn store_options(conf: &ImapdConf) -> Result<StoreOptions, ConfigError> {
    let config_dir = conf
        .raw("configdirectory")
        .ok_or_else(|| ConfigError::Invalid("configdirectory option not specified".into()))?;
    let partitions: Vec<(String, PathBuf)> = conf
        .with_prefix("partition-")
        .map(|(n, p)| (n.to_string(), PathBuf::from(p)))
        .collect();
    let default_partition = conf.raw("defaultpartition").map(str::to_string);
    if let Some(dp) = &default_partition {
        if !dp.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(ConfigError::Invalid(
                "defaultpartition option contains non-alnum character".into(),
            ));
        }
    }
    let spool = partitions
        .first()
        .map(|(_, p)| p.clone())
        .unwrap_or_else(|| PathBuf::from(config_dir).join("spool"));
    let mut o = StoreOptions::new(config_dir, spool);
    if !partitions.is_empty() {
        o.partitions = partitions.into_iter().collect();
    }
    o.default_partition = default_partition.or_else(|| o.partitions.keys().next().cloned());
    o.meta_partitions = conf
        .with_prefix("metapartition-")
        .map(|(n, p)| (n.to_string(), PathBuf::from(p)))
        .collect();
    o.hash_imap_spool = conf.switch("hashimapspool");
    o.full_dir_hash = conf.switch("fulldirhash");
    o.mailbox_legacy_dirs = conf.switch("mailbox_legacy_dirs");
    o.namespace.unix_hierarchy_sep = conf.switch("unixhierarchysep");
    o.namespace.alt_namespace = conf.switch("altnamespace");
    o.namespace.virtdomains = match conf.enum_value("virtdomains").as_str() {
        "userid" => VirtDomains::UserId,
        "on" => VirtDomains::On,
        _ => VirtDomains::Off,
    };
    o.namespace.default_domain = conf.raw("defaultdomain").map(str::to_string);
    if let Some(p) = conf.string("userprefix") {
        o.namespace.user_prefix = p;
    }
    if let Some(p) = conf.string("sharedprefix") {
        o.namespace.shared_prefix = p;
    }
    if let Some(p) = conf.string("altprefix") {
        o.namespace.alt_prefix = p;
    }
    o.expunge_mode = match conf.enum_value("expunge_mode").as_str() {
        "immediate" => ExpungeMode::Immediate,
        "semidelayed" => ExpungeMode::SemiDelayed,
        _ => ExpungeMode::Delayed,
    };
    o.delete_mode = match conf.enum_value("delete_mode").as_str() {
        "immediate" => DeleteMode::Immediate,
        _ => DeleteMode::Delayed,
    };
    if let Some(p) = conf.string("deletedprefix") {
        o.deleted_prefix = p;
    }
    o.databases.mboxlist = db_spec(conf, "mboxlist")?;
    o.databases.quota = db_spec(conf, "quota")?;
    o.databases.seen = DbSpec {
        backend: backend(conf, "seenstate_db")?,
        path: None,
    };
    o.databases.subscription = DbSpec {
        backend: backend(conf, "subscription_db")?,
        path: None,
    };
    o.databases.annotation = db_spec(conf, "annotation")?;
    o.databases.duplicate = db_spec(conf, "duplicate")?;
    o.databases.userdeny = db_spec(conf, "userdeny")?;
    o.acl.admins = conf.bitfield("admins");
    if let Some(v) = conf.string("defaultacl") {
        o.acl.default_acl = v;
    }
    if let Some(v) = conf.string("implicit_owner_rights") {
        o.acl.implicit_owner_rights = v;
    }
    o.acl.delete_right = conf
        .string("deleteright")
        .and_then(|v| v.chars().next())
        .unwrap_or('c');
    o.acl.anyone_user_acl = conf.switch("anyoneuseracl");
    o.acl.admin_implies_write = conf.switch("acl_admin_implies_write");
    o.duplicate_suppression = conf.switch("duplicatesuppression");
    o.single_instance_store = conf.switch("singleinstancestore");
    o.lock_path = conf.raw("mboxname_lockpath").map(PathBuf::from);
    if let Some(v) = conf.string("sievedir") {
        o.sieve_dir = PathBuf::from(v);
    }
    let q = conf.int("autocreate_quota");
    o.autocreate_quota = (q >= 0).then_some(q);
    let qm = conf.int("autocreate_quota_messages");
    o.autocreate_quota_messages = (qm >= 0).then_some(qm);
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn normal_conf_becomes_store_options() {
        let text = super::super::test_seeds::normal_imapd_conf();
        let conf = ImapdConf::parse(Path::new("imapd.conf"), &text).expect("parse");
        let o = store_options(&conf).expect("options");
        assert_eq!(o.config_dir, PathBuf::from("/var/lib/cyrus"));
        assert_eq!(
            o.partitions.get("default"),
            Some(&PathBuf::from("/var/spool/cyrus/mail"))
        );
        assert!(o.hash_imap_spool);
        assert_eq!(o.namespace.virtdomains, VirtDomains::On);
        assert_eq!(o.namespace.default_domain.as_deref(), Some("localhost"));
        assert_eq!(o.acl.admins, vec!["cyrus".to_string()]);
        assert_eq!(
            o.databases.duplicate.path,
            Some(PathBuf::from("/run/cyrus/deliver.db"))
        );
        assert_eq!(o.databases.subscription.backend, DbBackend::Flat);
        assert_eq!(o.databases.quota.backend, DbBackend::QuotaLegacy);
        assert_eq!(o.expunge_mode, ExpungeMode::Delayed);
    }

    #[test]
    fn missing_configdirectory_is_an_error() {
        let conf = ImapdConf::parse(Path::new("x"), "admins: a\n").expect("parse");
        assert!(store_options(&conf).is_err());
    }
}
