#include "pmxsnap/configdb/database.hpp"

#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/file.hpp"
#include "pmxsnap/util/interruption.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <set>

namespace pmxsnap::configdb {

SqliteHeader read_sqlite_header(const std::filesystem::path& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        fail_errno(path.string());
    std::array<unsigned char, 100> header{};
    ssize_t n = ::pread(fd.get(), header.data(), header.size(), 0);
    if (n < 0)
        fail_errno(path.string());
    static constexpr char magic[] = "SQLite format 3";
    if (n < 100 || std::memcmp(header.data(), magic, sizeof magic) != 0)
        fail("{}: not an SQLite database (expected a pmxcfs config.db)", path.string());
    // Bytes 18 and 19 are the write and read format versions: 2 means WAL.
    return SqliteHeader{header[18] == 2 || header[19] == 2};
}

Database::Database(std::filesystem::path path, std::string shown_as, SQLite::Database db)
    : path_(std::move(path))
    , shown_as_(std::move(shown_as))
    , db_(std::move(db)) {
    if (shown_as_.empty())
        shown_as_ = path_.string();
}

Database Database::open_readonly(const std::filesystem::path& path, const std::string& shown_as) {
    const std::string& name = shown_as.empty() ? path.string() : shown_as;
    try {
        read_sqlite_header(path);
        Database database(path, name, SQLite::Database(path.string(), SQLite::OPEN_READONLY));
        database.check_schema();
        return database;
    } catch (const SQLite::Exception& e) {
        fail("{}: {}", name, e.what());
    } catch (const Error& e) {
        if (shown_as.empty())
            throw;
        std::string message = e.what();
        auto at = message.find(path.string());
        if (at != std::string::npos)
            message.replace(at, path.string().size(), name);
        throw Error(message);
    }
}

void Database::hold_read_transaction() {
    try {
        db_.exec("BEGIN");
        SQLite::Statement first(db_, "SELECT count(*) FROM tree WHERE inode = 0");
        first.executeStep(); // a deferred BEGIN takes its lock at the first read
    } catch (const SQLite::Exception& e) {
        fail("{}: {}", shown_as_, e.what());
    }
}

void Database::map_into_memory(std::uint64_t max_bytes) {
    try {
        db_.exec(fmt::format("PRAGMA mmap_size={}", max_bytes));
    } catch (const SQLite::Exception& e) {
        fail("{}: {}", shown_as_, e.what());
    }
}

void Database::check_schema() const {
    static const std::set<std::string> required = {"inode", "parent", "version", "writer",
                                                   "mtime", "type",   "name",    "data"};
    std::set<std::string> columns;
    try {
        SQLite::Statement query(db_, "PRAGMA table_info(tree)");
        while (query.executeStep())
            columns.insert(query.getColumn(1).getString());
    } catch (const SQLite::Exception& e) {
        fail("{}: cannot read the schema: {}", shown_as_, e.what());
    }
    if (columns.empty())
        fail("{}: not a pmxcfs database (no table 'tree')", shown_as_);
    for (const auto& column : required)
        if (!columns.contains(column))
            fail("{}: not a pmxcfs database (table 'tree' has no column '{}')", shown_as_, column);
}

void Database::for_each_row(const std::function<void(const EntryMeta&)>& visit) const {
    try {
        // typeof() keeps a non-integer type column visible as a violation
        // instead of being coerced to a plausible number.
        SQLite::Statement query(db_, "SELECT inode, parent, version, writer, mtime, "
                                     "CASE WHEN typeof(type) = 'integer' THEN type ELSE -1 END, "
                                     "name, coalesce(length(data), 0) FROM tree ORDER BY inode");
        EntryMeta row;
        while (query.executeStep()) {
            interruption_point();
            row.inode = query.getColumn(0).getInt64();
            row.parent = query.getColumn(1).getInt64();
            row.version = query.getColumn(2).getInt64();
            row.writer = query.getColumn(3).getInt64();
            row.mtime = query.getColumn(4).getInt64();
            row.type = static_cast<int>(query.getColumn(5).getInt64());
            row.name = query.getColumn(6).getString();
            row.size = query.getColumn(7).getInt64();
            visit(row);
        }
    } catch (const SQLite::Exception& e) {
        fail("{}: cannot read table 'tree': {}", shown_as_, e.what());
    }
}

void Database::for_each_data(
    Side side, std::int64_t split,
    const std::function<void(std::int64_t, std::string_view)>& visit) const {
    try {
        // A plain comparison, so that SQLite seeks the rowid (an OR with
        // IS NULL made the lower half a scan of the whole table).
        SQLite::Statement query(db_, side == Side::from
                                         ? "SELECT inode, data FROM tree WHERE inode >= ?1 "
                                           "ORDER BY inode"
                                         : "SELECT inode, data FROM tree WHERE inode < ?1 "
                                           "ORDER BY inode");
        query.bind(1, static_cast<std::int64_t>(split));
        while (query.executeStep()) {
            interruption_point();
            auto column = query.getColumn(1);
            const void* blob = column.getBlob();
            visit(query.getColumn(0).getInt64(),
                  std::string_view(static_cast<const char*>(blob),
                                   static_cast<std::size_t>(column.getBytes())));
        }
    } catch (const SQLite::Exception& e) {
        fail("{}: cannot read table 'tree': {}", shown_as_, e.what());
    }
}

std::string Database::read_data(std::int64_t inode) const {
    std::string data;
    with_data(inode, [&](std::string_view bytes) { data.assign(bytes); });
    return data;
}

void Database::with_data(std::int64_t inode,
                         const std::function<void(std::string_view)>& use) const {
    // Reset on every way out, so the statement holds no row between calls.
    struct Reset {
        SQLite::Statement& query;
        ~Reset() { query.tryReset(); }
    };
    try {
        if (!data_statement_)
            data_statement_.emplace(db_, "SELECT data FROM tree WHERE inode = ?");
        auto& query = *data_statement_;
        query.reset();
        Reset reset{query};
        query.bind(1, static_cast<std::int64_t>(inode));
        if (!query.executeStep())
            fail("{}: inode {} vanished while reading", shown_as_, inode);
        auto column = query.getColumn(0);
        auto size = static_cast<std::size_t>(column.getBytes());
        use(size == 0 ? std::string_view()
                      : std::string_view(static_cast<const char*>(column.getBlob()), size));
    } catch (const SQLite::Exception& e) {
        fail("{}: cannot read inode {}: {}", shown_as_, inode, e.what());
    }
}

std::vector<std::string> Database::integrity_problems() const {
    std::vector<std::string> problems;
    try {
        SQLite::Statement query(db_, "PRAGMA integrity_check");
        while (query.executeStep()) {
            auto line = query.getColumn(0).getString();
            if (line != "ok")
                problems.push_back(line);
        }
    } catch (const SQLite::Exception& e) {
        problems.emplace_back(e.what());
    }
    return problems;
}

} // namespace pmxsnap::configdb
