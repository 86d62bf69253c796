// copy_consistent: a standalone copy (no -wal, no -shm) of the live pmxcfs
// database as of one committed transaction, without ever writing to the live
// config.db, its -wal or its -shm.
//
// Why two ways: while pmxcfs holds the db, a read-only SQLite connection reads
// a consistent state through the shared -shm index (the only bytes it touches
// are read marks in a -shm that pmxcfs rewrites anyway). When nobody holds it
// (pmxcfs stopped or crashed, leaving a -wal), a read-only connection would
// rebuild the -shm and so change it; then the db and its -wal are copied to a
// private directory and read there. Throws pmxsnap::Error naming the path.
#pragma once

#include <filesystem>
#include <string>

namespace pmxsnap::configdb {

enum class CopyMethod {
    read_transaction, // live db held by another process (pmxcfs running), or not in WAL mode
    private_copy,     // nobody holds the WAL-mode db: files copied aside first
};

struct CopyReport {
    CopyMethod method;
    bool had_wal = false; // a non-empty -wal existed at copy time
};

std::string to_string(CopyMethod method);

CopyReport copy_consistent(const std::filesystem::path& live_db,
                           const std::filesystem::path& destination);

// True when some other process has the WAL-mode db open (holds its -shm's
// "dead man switch" lock byte, as every SQLite connection does).
bool is_held_by_another_process(const std::filesystem::path& live_db);

} // namespace pmxsnap::configdb
