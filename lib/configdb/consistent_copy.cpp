#include "pmxsnap/configdb/consistent_copy.hpp"

#include "pmxsnap/configdb/database.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/file.hpp"
#include "pmxsnap/util/interruption.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

namespace pmxsnap::configdb {
namespace fs = std::filesystem;

namespace {

// SQLite's unix VFS keeps its -shm locks at byte 120 onwards; byte 128 is the
// DMS ("dead man switch") every open connection holds a shared lock on.
constexpr off_t shm_dms_lock_offset = 128;

fs::path sibling(const fs::path& db, const char* suffix) {
    return db.string() + suffix;
}

struct FileStamp {
    bool exists = false;
    off_t size = 0;
    struct timespec mtime {};
    ino_t inode = 0;
    bool operator==(const FileStamp& o) const {
        return exists == o.exists && size == o.size && mtime.tv_sec == o.mtime.tv_sec &&
               mtime.tv_nsec == o.mtime.tv_nsec && inode == o.inode;
    }
};

FileStamp stamp_of(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return {};
    return {true, st.st_size, st.st_mtim, st.st_ino};
}

void copy_file_bytes(const fs::path& from, const fs::path& to) {
    Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!out)
        fail_errno(to.string());
    read_chunks(from, [&](std::string_view chunk) { write_all(out.get(), chunk, to); });
}

void check_sqlite(int rc, sqlite3* db, const fs::path& path, const char* doing) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE)
        fail("{}: {}: {}", path.string(), doing, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

struct Connection {
    sqlite3* db = nullptr;
    ~Connection() { sqlite3_close_v2(db); }
};

// SQLite running as root fchown()s every -wal and -shm it opens to the db's
// owner — the owner they already have, but the call moves their ctime, which
// made every snapshot while pmxcfs runs look like a change to --if-changed's
// quick check (and broke the promise that the live files are left alone).
// pmxsnap never creates a -wal or -shm another user must own (its own copies
// are root's, in its scratch directory), so SQLite's unix VFS gets an fchown
// that does nothing. The override is the VFS's documented hook
// (xSetSystemCall); it is made once, before the first connection.
int keep_owner(int, uid_t, gid_t) {
    return 0;
}
void never_change_owners() {
    static std::once_flag once;
    std::call_once(once, [] {
        sqlite3_vfs* unix_vfs = sqlite3_vfs_find("unix");
        if (unix_vfs == nullptr || unix_vfs->iVersion < 3 ||
            unix_vfs->xSetSystemCall(
                unix_vfs, "fchown", reinterpret_cast<sqlite3_syscall_ptr>(keep_owner)) != SQLITE_OK)
            fail("SQLite: cannot keep its unix VFS from changing file owners");
    });
}

// One backup step of -1 pages copies everything under a single read
// transaction of the source: the copy is exactly one committed state.
void backup(const fs::path& source, int source_flags, const fs::path& destination) {
    never_change_owners();
    Connection from, to;
    std::string uri =
        "file:" + source.string() + ((source_flags & SQLITE_OPEN_READONLY) ? "?mode=ro" : "");
    check_sqlite(sqlite3_open_v2(uri.c_str(), &from.db, source_flags | SQLITE_OPEN_URI, nullptr),
                 from.db, source, "cannot open");
    sqlite3_busy_timeout(from.db, 10000);
    check_sqlite(sqlite3_open_v2(destination.c_str(), &to.db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
                 to.db, destination, "cannot create");
    // The destination is a private scratch file: a crash discards it, so
    // SQLite's rollback journal and fsyncs bought nothing here and cost most
    // of the copy (strace of the 32-node fixture: four fdatasyncs and a
    // journal per snapshot).
    check_sqlite(sqlite3_exec(to.db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", nullptr,
                              nullptr, nullptr),
                 to.db, destination, "cannot set up the copy");
    sqlite3_backup* job = sqlite3_backup_init(to.db, "main", from.db, "main");
    if (job == nullptr)
        check_sqlite(SQLITE_ERROR, to.db, source, "cannot start the copy");
    int rc = sqlite3_backup_step(job, -1);
    sqlite3_backup_finish(job);
    if (rc != SQLITE_DONE)
        fail("{}: consistent copy failed: {}", source.string(), sqlite3_errstr(rc));
    // The copy keeps the source's WAL flag in its header; a standalone file
    // must open without a -wal beside it.
    check_sqlite(sqlite3_exec(to.db, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr),
                 to.db, destination, "cannot leave WAL mode");
}

// The raw copy plus its -wal is one committed state: SQLite replays the
// committed frames (and ignores a torn or uncommitted tail) when the copy is
// opened. Checkpointing it in place writes only the pages the -wal holds,
// where a backup would copy every page a second time.
void settle_in_place(const fs::path& copy) {
    Connection db;
    check_sqlite(sqlite3_open_v2(copy.c_str(), &db.db, SQLITE_OPEN_READWRITE, nullptr), db.db, copy,
                 "cannot open the copy");
    check_sqlite(sqlite3_exec(db.db,
                              "PRAGMA synchronous=OFF; PRAGMA wal_checkpoint(TRUNCATE); "
                              "PRAGMA journal_mode=DELETE",
                              nullptr, nullptr, nullptr),
                 db.db, copy, "cannot settle the copy");
}

void remove_copy(const fs::path& destination) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        fs::remove(sibling(destination, suffix), ignored);
}

CopyReport copy_privately_retrying(const fs::path& live_db, const fs::path& destination) {
    auto wal = sibling(live_db, "-wal");
    for (int attempt = 0; attempt < 3; ++attempt) {
        auto db_before = stamp_of(live_db);
        auto wal_before = stamp_of(wal);
        copy_file_bytes(live_db, destination);
        if (wal_before.exists)
            copy_file_bytes(wal, sibling(destination, "-wal"));
        // A writer that appeared mid-copy could have torn it: check and retry.
        if (stamp_of(live_db) == db_before && stamp_of(wal) == wal_before &&
            !is_held_by_another_process(live_db)) {
            settle_in_place(destination);
            return {CopyMethod::private_copy, wal_before.exists && wal_before.size > 0};
        }
        remove_copy(destination);
        if (is_held_by_another_process(live_db)) {
            backup(live_db, SQLITE_OPEN_READONLY, destination);
            return {CopyMethod::read_transaction, stamp_of(wal).size > 0};
        }
    }
    fail("{}: the database kept changing while no process held it open; try again",
         live_db.string());
}

// A failure part way (disk full, the -wal gone between stat and copy)
// leaves no half-made copy behind.
CopyReport copy_privately(const fs::path& live_db, const fs::path& destination) {
    try {
        return copy_privately_retrying(live_db, destination);
    } catch (...) {
        remove_copy(destination);
        throw;
    }
}

} // namespace

std::string to_string(CopyMethod method) {
    return method == CopyMethod::read_transaction ? "read-transaction" : "private-copy";
}

bool is_held_by_another_process(const fs::path& live_db) {
    Fd shm(::open(sibling(live_db, "-shm").c_str(), O_RDONLY | O_CLOEXEC));
    if (!shm)
        return false;
    struct flock probe {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    probe.l_start = shm_dms_lock_offset;
    probe.l_len = 1;
    if (::fcntl(shm.get(), F_GETLK, &probe) != 0)
        fail_errno(sibling(live_db, "-shm").string());
    return probe.l_type != F_UNLCK;
}

namespace {

CopyReport copy_by_method(const fs::path& live_db, const fs::path& destination) {
    if (!fs::exists(live_db))
        fail("{}: no such file; is this a Proxmox VE node (or give --root)?", live_db.string());
    auto header = read_sqlite_header(live_db);
    if (fs::exists(destination))
        fail("{}: refusing to overwrite an existing file", destination.string());
    if (!header.wal_mode || is_held_by_another_process(live_db)) {
        backup(live_db, SQLITE_OPEN_READONLY, destination);
        return {CopyMethod::read_transaction, stamp_of(sibling(live_db, "-wal")).size > 0};
    }
    return copy_privately(live_db, destination);
}

} // namespace

CopyReport copy_consistent(const fs::path& live_db, const fs::path& destination) {
    auto report = copy_by_method(live_db, destination);
    // The caller's scratch now holds the db in plaintext, priv/ included:
    // every command that copies one (snapshot, diff live, inspect, restore,
    // doctor) must be able to stop here and remove it.
    interruption_point("db-copied");
    return report;
}

} // namespace pmxsnap::configdb
