// Keeping aside what a restore replaces: the current file stays, under
// <file>.pmxsnap-<stamp>, as a hard link to the very inode it was — same
// bytes, mode, owner and mtime, nothing copied that could be cut short.
// Shared by restore apply (the db, its -wal/-shm, host files) and restore
// file (one node-local file).
#pragma once

#include "pmxsnap/util/file.hpp"

#include <string>

namespace pmxsnap::restore {

// <file>.pmxsnap-<stamp>, with .1, .2 ... when a run in the same second kept
// one already; a file of a "*.d" directory (read whole by a glob) is kept in
// "<dir>.pmxsnap-kept/" beside that directory. A db's -wal/-shm keep the db's
// kept name plus their suffix, so
// `sqlite3 config.db.pmxsnap-<stamp>` opens the kept db with its WAL.
std::string kept_name(const fs::path& path, const std::string& stamp);

// Links path to kept (a kept_name), making kept's directory (0700) when it
// is a "<dir>.pmxsnap-kept"; the caller fsyncs kept's directory.
void link_kept(const fs::path& path, const fs::path& kept);

// Links path to its kept name and fsyncs the directory; returns the kept
// name. Throws pmxsnap::Error naming the kept path.
fs::path keep_aside(const fs::path& path, const std::string& stamp);

// Temporary files of a restore that was killed before its rename: ours by
// name (AtomicFile's marker + the target's name), never anything else.
void remove_leftovers(const fs::path& target);

} // namespace pmxsnap::restore
