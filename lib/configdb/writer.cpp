#include "pmxsnap/configdb/writer.hpp"

#include "pmxsnap/util/error.hpp"

#include <sqlite3.h>

#include <vector>

namespace pmxsnap::configdb {
namespace fs = std::filesystem;

namespace {

// pmxcfs's own CREATE TABLE (database.c), so fixtures have the real schema.
constexpr const char* create_tree_sql =
    "CREATE TABLE IF NOT EXISTS tree ("
    "  inode INTEGER PRIMARY KEY NOT NULL,"
    "  parent INTEGER NOT NULL CHECK(typeof(parent)=='integer'),"
    "  version INTEGER NOT NULL CHECK(typeof(version)=='integer'),"
    "  writer INTEGER NOT NULL CHECK(typeof(writer)=='integer'),"
    "  mtime INTEGER NOT NULL CHECK(typeof(mtime)=='integer'),"
    "  type INTEGER NOT NULL CHECK(typeof(type)=='integer'),"
    "  name TEXT NOT NULL,"
    "  data BLOB);";

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        auto slash = path.find('/');
        auto part = path.substr(0, slash);
        if (!part.empty())
            parts.push_back(part);
        if (slash == std::string_view::npos)
            break;
        path.remove_prefix(slash + 1);
    }
    return parts;
}

std::pair<std::string_view, std::string_view> split_last(std::string_view path) {
    auto slash = path.rfind('/');
    if (slash == std::string_view::npos)
        return {"", path};
    return {path.substr(0, slash), path.substr(slash + 1)};
}

} // namespace

Writer::Writer(fs::path path, SQLite::Database db, std::uint32_t writer_node)
    : path_(std::move(path))
    , db_(std::move(db))
    , writer_node_(writer_node) {
    db_->exec("PRAGMA journal_mode=WAL");
    db_->exec("PRAGMA synchronous=NORMAL");
    db_->exec(create_tree_sql);
    SQLite::Statement query(*db_, "SELECT coalesce(max(version), 0) FROM tree");
    query.executeStep();
    version_ = query.getColumn(0).getInt64();
    SQLite::Statement rows(*db_, "SELECT inode, parent, name FROM tree WHERE inode != 0 "
                                 "ORDER BY rowid");
    while (rows.executeStep())
        children_.emplace(std::pair{rows.getColumn(1).getInt64(), rows.getColumn(2).getString()},
                          rows.getColumn(0).getInt64());
}

Writer Writer::create(const fs::path& path, std::uint32_t writer_node) {
    if (fs::exists(path))
        fail("{}: already exists, refusing to overwrite", path.string());
    try {
        return Writer(path,
                      SQLite::Database(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE),
                      writer_node);
    } catch (const SQLite::Exception& e) {
        fail("{}: {}", path.string(), e.what());
    }
}

Writer Writer::open(const fs::path& path, std::uint32_t writer_node) {
    try {
        return Writer(path, SQLite::Database(path.string(), SQLite::OPEN_READWRITE), writer_node);
    } catch (const SQLite::Exception& e) {
        fail("{}: {}", path.string(), e.what());
    }
}

std::optional<std::int64_t> Writer::lookup(std::int64_t parent, std::string_view name) const {
    auto it = children_.find(std::pair{parent, std::string(name)});
    if (it == children_.end())
        return std::nullopt;
    return it->second;
}

std::int64_t Writer::ensure_directory(std::string_view path, std::int64_t mtime) {
    std::int64_t parent = root_inode;
    for (auto part : split_path(path)) {
        if (auto existing = lookup(parent, part)) {
            parent = *existing;
            continue;
        }
        auto version = next_version();
        insert_raw_row(
            {version, parent, version, writer_node_, mtime, type_directory, std::string(part), 0},
            std::nullopt);
        bump_version(mtime);
        parent = version;
    }
    return parent;
}

std::int64_t Writer::make_directory(std::string_view path, std::int64_t mtime) {
    return ensure_directory(path, mtime);
}

std::int64_t Writer::write_file(std::string_view path, std::string_view data, std::int64_t mtime) {
    auto [directory, name] = split_last(path);
    auto parent = ensure_directory(directory, mtime);
    auto version = next_version();
    std::optional<std::string_view> blob;
    if (!data.empty())
        blob = data; // pmxcfs stores empty files as NULL
    if (auto existing = lookup(parent, name)) {
        SQLite::Statement update(*db_, "UPDATE tree SET version = ?, writer = ?, mtime = ?, "
                                       "data = ? WHERE inode = ?");
        update.bind(1, static_cast<std::int64_t>(version));
        update.bind(2, static_cast<std::int64_t>(writer_node_));
        update.bind(3, static_cast<std::int64_t>(mtime));
        if (blob)
            update.bind(4, blob->data(), static_cast<int>(blob->size()));
        else
            update.bind(4);
        update.bind(5, static_cast<std::int64_t>(*existing));
        update.exec();
        bump_version(mtime);
        return *existing;
    }
    insert_raw_row(make_row(version, parent, type_file, name, mtime), blob);
    bump_version(mtime);
    return version;
}

void Writer::remove(std::string_view path, std::int64_t mtime) {
    std::int64_t inode = root_inode;
    for (auto part : split_path(path)) {
        auto found = lookup(inode, part);
        if (!found)
            fail("{}: no entry '{}' to remove", path_.string(), std::string(path));
        inode = *found;
    }
    SQLite::Statement erase(*db_, "DELETE FROM tree WHERE inode = ?");
    erase.bind(1, static_cast<std::int64_t>(inode));
    erase.exec();
    std::erase_if(children_, [inode](const auto& child) { return child.second == inode; });
    next_version();
    bump_version(mtime);
}

void Writer::insert_raw_row(const EntryMeta& row, std::optional<std::string_view> data) {
    SQLite::Statement insert(*db_, "INSERT INTO tree (inode, parent, version, writer, mtime, "
                                   "type, name, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, static_cast<std::int64_t>(row.inode));
    insert.bind(2, static_cast<std::int64_t>(row.parent));
    insert.bind(3, static_cast<std::int64_t>(row.version));
    insert.bind(4, static_cast<std::int64_t>(row.writer));
    insert.bind(5, static_cast<std::int64_t>(row.mtime));
    insert.bind(6, row.type);
    insert.bind(7, row.name);
    if (data)
        insert.bind(8, data->data(), static_cast<int>(data->size()));
    else
        insert.bind(8);
    insert.exec();
    if (row.inode != 0)
        children_.emplace(std::pair{row.parent, row.name}, row.inode);
}

EntryMeta Writer::make_row(std::int64_t inode, std::int64_t parent, int type, std::string_view name,
                           std::int64_t mtime) const {
    EntryMeta row;
    row.inode = row.version = inode;
    row.parent = parent;
    row.writer = writer_node_;
    row.mtime = mtime;
    row.type = type;
    row.name = name;
    return row;
}

void Writer::bump_version(std::int64_t mtime) {
    SQLite::Statement replace(*db_, "REPLACE INTO tree (inode, parent, version, writer, mtime, "
                                    "type, name, data) VALUES (0, 0, ?, ?, ?, 8, ?, NULL)");
    replace.bind(1, static_cast<std::int64_t>(version_));
    replace.bind(2, static_cast<std::int64_t>(writer_node_));
    replace.bind(3, static_cast<std::int64_t>(mtime));
    replace.bind(4, std::string(version_entry_name));
    replace.exec();
}

void Writer::begin() {
    db_->exec("BEGIN");
    in_batch_ = true;
}

void Writer::commit() {
    db_->exec("COMMIT");
    in_batch_ = false;
}

void Writer::checkpoint() {
    db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

void Writer::close_keeping_wal() {
    int unused = 0;
    sqlite3_db_config(db_->getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, &unused);
    db_.reset();
}

} // namespace pmxsnap::configdb
