#include "pmxsnap/repo/repository.hpp"

#include "pmxsnap/util/atomic_file.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/time.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pmxsnap::repo {
namespace {

constexpr std::uint64_t max_signature_bytes = 4096;

std::optional<std::string> trusted_comment_line(const std::string& signature_text) {
    static constexpr std::string_view key = "trusted comment: ";
    auto at = signature_text.find(fmt::format("\n{}", key));
    if (at == std::string::npos)
        return std::nullopt;
    at += 1 + key.size();
    auto end = signature_text.find('\n', at);
    return signature_text.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// Every std::filesystem call on a repository path goes through these: an
// unreadable repository (permission denied, a file where a directory should
// be) is a one-line pmxsnap::Error naming the directory, never a
// filesystem_error escaping as an internal error.
std::vector<fs::directory_entry> entries_of(const fs::path& directory) {
    std::vector<fs::directory_entry> entries;
    std::error_code error;
    fs::directory_iterator it(directory, error);
    for (; !error && it != fs::directory_iterator(); it.increment(error))
        entries.push_back(*it);
    if (error)
        fail("{}: cannot read the repository directory: {}", directory.string(), error.message());
    return entries;
}

bool is_directory(const fs::directory_entry& entry) {
    std::error_code error;
    return entry.is_directory(error); // unreadable entries are not listed
}

// True for a directory, false when nothing is there; anything else (a file,
// no permission to look) is an error naming the path.
bool directory_exists(const fs::path& path, std::string_view what) {
    std::error_code error;
    auto status = fs::status(path, error);
    if (status.type() == fs::file_type::not_found)
        return false;
    if (error)
        fail("{}: cannot read the {}: {}", path.string(), what, error.message());
    if (status.type() != fs::file_type::directory)
        fail("{}: not a directory (the {} must be one)", path.string(), what);
    return true;
}

} // namespace

std::optional<std::pair<std::string, bool>> parse_archive_name(const std::string& name) {
    for (auto [suffix, encrypted] : {std::pair{encrypted_suffix, true}, {archive_suffix, false}}) {
        if (name.size() > suffix.size() && name.ends_with(suffix)) {
            auto stamp = name.substr(0, name.size() - suffix.size());
            if (parse_compact_utc_stamp(stamp))
                return std::pair{stamp, encrypted};
        }
    }
    return std::nullopt;
}

std::string archive_file_name(const std::string& stamp, bool encrypted) {
    return stamp + std::string(encrypted ? encrypted_suffix : archive_suffix);
}

fs::path signature_path_for(const fs::path& archive) {
    return archive.string() + std::string(signature_suffix);
}

Repository::Repository(fs::path root)
    : root_(std::move(root)) {}

fs::path Repository::node_directory(const std::string& cluster, const std::string& node) const {
    return root_ / cluster / node;
}

fs::path Repository::ensure_node_directory(const std::string& cluster,
                                           const std::string& node) const {
    auto directory = node_directory(cluster, node);
    create_directories(directory, directory_mode);
    return directory;
}

void read_index(Snapshot& snapshot) {
    if (auto text = read_file_if_exists(snapshot.signature, max_signature_bytes)) {
        snapshot.signature_text = *text;
        if (auto line = trusted_comment_line(*text))
            snapshot.comment = TrustedComment::parse(*line);
    }
}

namespace {

// The archives of a node directory, oldest first; with Read::all each with
// its size and signature.
enum class Read { names, all };
std::vector<Snapshot> scan_node(const fs::path& directory, const std::string& cluster,
                                const std::string& node, Read read) {
    std::vector<Snapshot> found;
    for (const auto& item : entries_of(directory)) {
        auto parsed = parse_archive_name(item.path().filename().string());
        std::error_code error;
        if (!parsed || !item.is_regular_file(error))
            continue;
        Snapshot snapshot;
        snapshot.cluster = cluster;
        snapshot.node = node;
        snapshot.stamp = parsed->first;
        snapshot.encrypted = parsed->second;
        snapshot.archive = item.path();
        snapshot.signature = signature_path_for(item.path());
        if (read == Read::all) {
            auto size = item.file_size(error);
            if (error)
                fail("{}: cannot read: {}", item.path().string(), error.message());
            snapshot.size = static_cast<std::int64_t>(size);
            read_index(snapshot);
        }
        found.push_back(std::move(snapshot));
    }
    std::sort(found.begin(), found.end(),
              [](const Snapshot& a, const Snapshot& b) { return a.stamp < b.stamp; });
    return found;
}

} // namespace

void Repository::list_node(const fs::path& directory, const std::string& cluster,
                           const std::string& node, std::vector<Snapshot>& out) const {
    auto found = scan_node(directory, cluster, node, Read::all);
    std::move(found.begin(), found.end(), std::back_inserter(out));
}

std::vector<Snapshot> Repository::names(const NodeDirectory& directory) const {
    return scan_node(directory.path, directory.cluster, directory.node, Read::names);
}

std::vector<NodeDirectory> Repository::node_directories(const std::string& cluster,
                                                        const std::string& node) const {
    if (!directory_exists(root_, "repository"))
        fail("{}: repository not found (no snapshot taken yet, or wrong --repo)", root_.string());
    std::vector<fs::path> clusters;
    for (const auto& item : entries_of(root_))
        if (is_directory(item) && (cluster.empty() || item.path().filename() == cluster))
            clusters.push_back(item.path());
    std::sort(clusters.begin(), clusters.end());
    std::vector<NodeDirectory> out;
    for (const auto& cluster_dir : clusters) {
        std::vector<fs::path> nodes;
        for (const auto& item : entries_of(cluster_dir))
            if (is_directory(item) && (node.empty() || item.path().filename() == node))
                nodes.push_back(item.path());
        std::sort(nodes.begin(), nodes.end());
        for (const auto& node_dir : nodes)
            out.push_back(
                {cluster_dir.filename().string(), node_dir.filename().string(), node_dir});
    }
    return out;
}

std::vector<Snapshot> Repository::list(const std::string& cluster, const std::string& node) const {
    std::vector<Snapshot> out;
    for (const auto& directory : node_directories(cluster, node))
        list_node(directory.path, directory.cluster, directory.node, out);
    return out;
}

std::vector<Snapshot> Repository::list(const NodeDirectory& directory) const {
    std::vector<Snapshot> out;
    list_node(directory.path, directory.cluster, directory.node, out);
    return out;
}

std::optional<Snapshot> Repository::newest(const std::string& cluster,
                                           const std::string& node) const {
    auto directory = node_directory(cluster, node);
    if (!directory_exists(directory, "node directory"))
        return std::nullopt;
    std::vector<Snapshot> found;
    list_node(directory, cluster, node, found);
    if (found.empty())
        return std::nullopt;
    return found.back();
}

std::vector<fs::path> Repository::clean_leftovers(const fs::path& node_directory) {
    std::vector<fs::path> removed;
    for (const auto& item : entries_of(node_directory)) {
        auto name = item.path().filename().string();
        bool temporary = name.starts_with(AtomicFile::temp_marker);
        bool orphan_signature = false;
        std::error_code error;
        if (name.ends_with(signature_suffix)) {
            auto archive = name.substr(0, name.size() - signature_suffix.size());
            orphan_signature = !fs::exists(node_directory / archive, error) && !error;
        }
        if (temporary || orphan_signature) {
            fs::remove(item.path(), error);
            if (error)
                fail("{}: cannot remove: {}", item.path().string(), error.message());
            removed.push_back(item.path());
        }
    }
    return removed;
}

} // namespace pmxsnap::repo
