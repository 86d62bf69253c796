#include "pmxsnap/trust/published_keys.hpp"

#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/corosync/parser.hpp"
#include "pmxsnap/crypto/signature.hpp"
#include "pmxsnap/host/mounts.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/repo/trusted_comment.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace pmxsnap::trust {
namespace {

// On a live host an /etc/pve that pmxcfs does not serve is a plain directory
// of the root file system: anyone with root wrote it, no quorate cluster
// agreed on it, and a key written there is hidden once pmxcfs mounts.
bool pve_is_cluster_fs(const host::Host& host) {
    if (!host.is_live())
        return true;
    auto mount = host::mount_at(host::current_mounts(), host::paths::pve_mount);
    return mount && (mount->fs_type == "fuse" || mount->fs_type.starts_with("fuse."));
}

const std::string keys_member_prefix = "pve/pmxsnap/keys/";

// "<node>" for "pve/pmxsnap/keys/<node>.pub", "" for anything else.
std::string archived_key_node(const std::string& path) {
    if (!path.starts_with(keys_member_prefix) || !path.ends_with(".pub"))
        return "";
    auto node = path.substr(keys_member_prefix.size(), path.size() - keys_member_prefix.size() - 4);
    return node.find('/') == std::string::npos ? node : "";
}

class KeyCollector : public archive::MemberHandler {
  public:
    explicit KeyCollector(std::string cluster)
        : cluster_(std::move(cluster)) {}
    bool wants(const archive::Member& member) override {
        return !member.is_directory && !archived_key_node(member.path).empty();
    }
    void begin(const archive::Member&) override { text_.clear(); }
    void data(std::string_view bytes) override {
        if (text_.size() + bytes.size() > 4096)
            fail("an archived published key is larger than a key file can be");
        text_.append(bytes);
    }
    void end(const archive::Member& member) override {
        auto key = crypto::parse_public_key(text_, member.path);
        key.published_for = cluster_ + "/" + archived_key_node(member.path);
        keys.push_back(std::move(key));
    }
    std::vector<crypto::PublicKey> keys;

  private:
    std::string cluster_;
    std::string text_;
};

} // namespace

std::string host_cluster_name(const host::Host& host) {
    for (const char* path : {host::paths::corosync_conf, "/etc/pve/corosync.conf"})
        if (auto text = host.read_text_if_exists(path)) {
            auto parsed = corosync::parse_config(*text);
            if (parsed.ok() && !parsed.config->cluster_name.empty())
                return parsed.config->cluster_name;
        }
    return "standalone";
}

std::vector<crypto::PublicKey> published_keys(const host::Host& host) {
    auto directory = host.resolve(published_keys_dir);
    std::error_code error;
    if (!fs::is_directory(directory, error) || !pve_is_cluster_fs(host))
        return {};
    std::vector<fs::path> files;
    for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error))
        if (it->path().extension() == ".pub" && it->is_regular_file(error))
            files.push_back(it->path());
    if (error)
        fail("{}: cannot read: {}", directory.string(), error.message());
    std::sort(files.begin(), files.end());
    auto cluster = host_cluster_name(host);
    std::vector<crypto::PublicKey> keys;
    for (const auto& file : files) {
        auto key = crypto::load_public_key(file);
        key.published_for = cluster + "/" + file.stem().string();
        keys.push_back(std::move(key));
    }
    return keys;
}

Publication publish_key(const host::Host& host, const crypto::PublicKey& key, bool force) {
    auto pve = host.resolve(host::paths::pve_mount);
    std::error_code error;
    if (!pve_is_cluster_fs(host) || !fs::is_directory(pve, error))
        fail("{}: not mounted by pmxcfs (is pve-cluster running?): a key written there would "
             "reach no other node",
             pve.string());
    Publication publication;
    publication.node = host.node_name();
    auto directory = host.resolve(published_keys_dir);
    publication.path = directory / (publication.node + ".pub");
    if (fs::exists(publication.path, error)) {
        auto there = crypto::load_public_key(publication.path);
        if (there.key_id == key.key_id && there.key == key.key) {
            publication.unchanged = true;
            return publication;
        }
        if (!force)
            fail("{}: node {} already published key {}, not this key {}; every node expects "
                 "that key for {}'s snapshots (give --force to replace it)",
                 publication.path.string(), publication.node, there.key_id_hex(), key.key_id_hex(),
                 publication.node);
        publication.replaced = there.key_id_hex();
    }
    create_directories(directory, 0755);
    // pmxcfs commits each write to its db and takes a rename within one
    // directory; it has no fsync of its own to ask for.
    auto temp = directory / (".pmxsnap-tmp." + publication.node + ".pub");
    {
        Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!fd)
            fail_errno(temp.string() + " (is the cluster quorate?)");
        write_all(fd.get(), crypto::format_public_key(key), temp);
    }
    if (std::rename(temp.c_str(), publication.path.c_str()) != 0) {
        auto saved = errno;
        ::unlink(temp.c_str());
        errno = saved;
        fail_errno(publication.path.string());
    }
    return publication;
}

std::vector<crypto::PublicKey> archived_keys(const fs::path& archive, const fs::path& identity,
                                             const std::string& cluster) {
    archive::ArchiveInput input(archive, identity);
    archive::Reader reader(input.source(), {}, {}, [](const archive::Member& member) {
        return !archived_key_node(member.path).empty();
    });
    KeyCollector collector(cluster);
    reader.read_members(collector);
    return collector.keys;
}

ArchiveTrust trust_archived_keys(const fs::path& archive, const fs::path& identity,
                                 const std::vector<crypto::PublicKey>& keys) {
    ArchiveTrust trust{keys, std::nullopt, ""};
    auto text = read_file_if_exists(repo::signature_path_for(archive), 4096);
    std::optional<crypto::SignatureFile> signature;
    try {
        if (text)
            signature = crypto::parse_signature(*text, archive.string() + ".minisig");
    } catch (const ErrorBase&) {
        return trust; // the signature level says what is wrong with it
    }
    if (!signature)
        return trust;
    auto signed_by = [&](const crypto::PublicKey& key) { return key.key_id == signature->key_id; };
    if (std::any_of(keys.begin(), keys.end(), signed_by))
        return trust; // the host's own trust holds; nothing taken from the archive
    // Only to label the archived keys: the index is authenticated after.
    auto comment = repo::TrustedComment::parse(signature->trusted_comment);
    std::vector<crypto::PublicKey> carried;
    try {
        carried = archived_keys(archive, identity, comment ? comment->cluster : "");
    } catch (const ErrorBase& e) {
        trust.note = fmt::format("its published keys could not be read: {}", e.what());
        return trust;
    }
    std::erase_if(carried, [&](const crypto::PublicKey& key) {
        return std::any_of(keys.begin(), keys.end(), [&](const crypto::PublicKey& host_key) {
            return host_key.published_for == key.published_for;
        });
    });
    auto signer = std::find_if(carried.begin(), carried.end(), signed_by);
    if (signer == carried.end()) {
        trust.note = carried.empty() ? "it carries no published key (pve/pmxsnap/keys/) for a "
                                       "node this host has none for"
                                     : "none of the keys it carries (pve/pmxsnap/keys/) signed it";
        return trust;
    }
    trust.archived_key = *signer;
    trust.keys.insert(trust.keys.end(), carried.begin(), carried.end());
    return trust;
}

} // namespace pmxsnap::trust
