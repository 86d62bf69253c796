#include "inputs.hpp"

#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/rejected.hpp"
#include "pmxsnap/configdb/consistent_copy.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/sha256.hpp"
#include "pmxsnap/util/temp_dir.hpp"

#include <fcntl.h>

#include <map>

namespace pmxsnap::doctor {
namespace {

void parse_copy(CorosyncCopy& copy) {
    if (copy.text)
        copy.parsed = corosync::parse_config(*copy.text);
}

void read_db(Inputs& in) {
    auto live_db = in.host.resolve(host::paths::config_db);
    try {
        TempDir scratch;
        configdb::copy_consistent(live_db, scratch / "config.db");
        auto db = configdb::Database::open_readonly(scratch / "config.db", live_db.string());
        in.tree = configdb::Tree::load(db);
        in.db_integrity_problems = db.integrity_problems();
        for (const auto& entry : in.tree->paths())
            if (entry.path == "corosync.conf" && entry.entry->is_file())
                in.cluster.text = db.read_data(entry.entry->inode);
    } catch (const Error& e) {
        in.db_error = e.what();
    }
}

std::string cluster_name(const Inputs& in) {
    for (const auto* copy : {&in.local, &in.cluster})
        if (copy->parsed && copy->parsed->ok() && !copy->parsed->config->cluster_name.empty())
            return copy->parsed->config->cluster_name;
    return "standalone";
}

// The corosync.conf this node's newest archive holds (content checked by the
// safe reader; the signature is verify's job).
class KeepCorosyncConf : public archive::MemberHandler {
  public:
    void begin(const archive::Member& m) override {
        wanted_ = m.path == "host/etc/corosync/corosync.conf";
        current_.clear();
    }
    void data(std::string_view chunk) override {
        if (wanted_)
            current_.append(chunk);
    }
    void end(const archive::Member&) override {
        if (wanted_)
            text = current_;
    }
    std::optional<std::string> text;

  private:
    bool wanted_ = false;
    std::string current_;
};

void read_snapshots(Inputs& in, const std::string& repo_path) {
    if (repo_path.empty() || !fs::is_directory(repo_path))
        return;
    repo::Repository repository(repo_path);
    std::map<std::string, repo::Snapshot> newest;
    for (auto& s : repository.list(cluster_name(in)))
        newest[s.node] = s; // oldest first: the last one stays
    for (auto& [node, snapshot] : newest)
        in.newest_per_node.push_back(snapshot);
    auto mine = newest.find(in.node);
    if (mine == newest.end() || mine->second.encrypted)
        return;
    Fd fd(::open(mine->second.archive.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return;
    try {
        archive::Reader reader(archive::file_source(fd.get()));
        KeepCorosyncConf keep;
        reader.read_members(keep);
        in.last_snapshot_corosync = keep.text;
    } catch (const archive::Rejected&) {
        // A damaged archive is verify's finding; doctor just has no copy.
    }
}

} // namespace

Inputs gather(const host::Host& host, const GatherOptions& options) {
    Inputs in(host);
    try {
        in.node = host.node_name();
    } catch (const Error&) {
    }
    in.local.name = host::paths::corosync_conf;
    in.local.text = host.read_text_if_exists(host::paths::corosync_conf);
    in.cluster.name = "/etc/pve/corosync.conf";
    read_db(in);
    parse_copy(in.local);
    parse_copy(in.cluster);
    if (auto key = read_file_if_exists(host.resolve(host::paths::corosync_authkey), 1 << 20))
        in.authkey_sha256 = sha256_hex(*key);
    read_snapshots(in, options.repo);
    if (!options.offline && host.is_live())
        in.live = corosync::probe_live_cluster(std::chrono::seconds(3));
    if (!options.log_file.empty())
        in.log = read_file(options.log_file, 256 << 20);
    return in;
}

} // namespace pmxsnap::doctor
