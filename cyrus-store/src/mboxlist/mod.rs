//! `mailboxes.db`: the list of mailboxes in Cyrus 3.6's key scheme
//! (`N<dbname>` name records, `I<uniqueid>` by-id records) with dlist
//! values, tombstones and intermediates.
