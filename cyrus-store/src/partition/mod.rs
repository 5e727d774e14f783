//! Partitions and the spool layout: where a mailbox's files live
//! (`<partition>/uuid/<c1>/<c2>/<uniqueid>/` or the legacy by-name tree).
