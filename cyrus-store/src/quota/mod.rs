//! Quota roots, usage and limits (STORAGE, MESSAGE, ANNOTATION-STORAGE,
//! NUMFOLDERS) stored as dlists in the quota database.
