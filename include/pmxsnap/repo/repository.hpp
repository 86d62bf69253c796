// Repository: <repo>/<cluster>/<node>/<YYYYmmddTHHMMSSZ>.pmxsnap[.age], each
// with a detached <name>.minisig. This file knows the layout, lists what is
// there from the signatures' trusted comments (never the archives), and
// keeps node directories tidy. Throws pmxsnap::Error naming the path.
#pragma once

#include "pmxsnap/repo/trusted_comment.hpp"
#include "pmxsnap/util/file.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pmxsnap::repo {

inline constexpr std::string_view archive_suffix = ".pmxsnap";
inline constexpr std::string_view encrypted_suffix = ".pmxsnap.age";
inline constexpr std::string_view signature_suffix = ".minisig";
inline constexpr unsigned directory_mode = 0700;
inline constexpr unsigned file_mode = 0600;

struct Snapshot {
    std::string cluster; // from the directory
    std::string node;    // from the directory
    std::string stamp;   // YYYYmmddTHHMMSSZ from the file name
    fs::path archive;
    fs::path signature;
    bool encrypted = false;
    std::int64_t size = 0;
    std::string signature_text;            // the .minisig as read (small)
    std::optional<TrustedComment> comment; // nullopt when missing or malformed
};

struct NodeDirectory {
    std::string cluster;
    std::string node;
    fs::path path;
};

class Repository {
  public:
    explicit Repository(fs::path root);

    const fs::path& root() const { return root_; }
    fs::path node_directory(const std::string& cluster, const std::string& node) const;
    // Creates <repo>/<cluster>/<node> (0700) as needed.
    fs::path ensure_node_directory(const std::string& cluster, const std::string& node) const;

    // The <cluster>/<node> directories, sorted, without reading them;
    // cluster/node filters are exact names when non-empty.
    std::vector<NodeDirectory> node_directories(const std::string& cluster = {},
                                                const std::string& node = {}) const;
    // Every archive with a signature beside it, oldest first per node;
    // cluster/node filters as node_directories'.
    std::vector<Snapshot> list(const std::string& cluster = {}, const std::string& node = {}) const;
    // The archives of one node directory, oldest first.
    std::vector<Snapshot> list(const NodeDirectory& directory) const;
    std::optional<Snapshot> newest(const std::string& cluster, const std::string& node) const;
    // The archives of one node directory by name only, oldest first: no
    // signature read, no size (0). For a reader that needs only the newest
    // few of a long history (status); read_index() then reads one.
    std::vector<Snapshot> names(const NodeDirectory& directory) const;

    // Under the node lock: removes temporary files of killed runs and
    // signatures whose archive never got its final name. Returns what it removed.
    static std::vector<fs::path> clean_leftovers(const fs::path& node_directory);

  private:
    void list_node(const fs::path& directory, const std::string& cluster, const std::string& node,
                   std::vector<Snapshot>& out) const;
    fs::path root_;
};

std::string archive_file_name(const std::string& stamp, bool encrypted);
// "20261125T103000Z.pmxsnap" → its stamp and whether it is encrypted;
// nullopt for any other name.
std::optional<std::pair<std::string, bool>> parse_archive_name(const std::string& name);
fs::path signature_path_for(const fs::path& archive);
// Reads the .minisig beside snapshot.archive into signature_text and
// comment (as read, not authenticated); leaves them empty when missing.
void read_index(Snapshot& snapshot);

} // namespace pmxsnap::repo
