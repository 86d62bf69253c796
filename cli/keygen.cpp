#include "commands.hpp"

#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/trust/published_keys.hpp"
#include "pmxsnap/util/atomic_file.hpp"

#include <memory>

namespace pmxsnap::cli {
namespace {

fs::path public_key_path(const fs::path& secret) {
    auto name = secret.filename().string();
    if (name.ends_with(".key"))
        return secret.parent_path() / (name.substr(0, name.size() - 4) + ".pub");
    return secret.string() + ".pub";
}

void write_new_file(const fs::path& path, const std::string& text, unsigned mode) {
    AtomicFile file(path, mode);
    file.write(text);
    file.commit_no_replace();
}

struct KeygenOptions {
    std::string out;
    bool publish = false;
    bool force = false;
};

// The key pair to publish: the one there, or a new one. Without --publish a
// key pair that exists is refused (never overwritten).
crypto::PublicKey key_pair(const fs::path& secret_path, const fs::path& public_path, bool publish,
                           bool& created) {
    std::error_code error;
    created = !(publish && fs::exists(public_path, error) && fs::exists(secret_path, error));
    if (!created)
        return crypto::load_public_key(public_path);
    if (fs::exists(public_path, error))
        fail("{}: already exists; refusing to overwrite a key", public_path.string());
    create_directories(secret_path.parent_path(), 0755);
    auto key = crypto::generate_secret_key();
    write_new_file(secret_path, crypto::format_secret_key(key), 0600);
    write_new_file(public_path, crypto::format_public_key(key.public_key()), 0644);
    return key.public_key();
}

void say_published(Output& out, const trust::Publication& published) {
    if (published.unchanged)
        out.say("already published as {}: nothing changed", published.path.string());
    else if (published.replaced)
        out.say("published as {}, replacing key {} (--force): every node now expects this key "
                "for {}'s snapshots",
                published.path.string(), *published.replaced, published.node);
    else
        out.say("published as {}: every node of the cluster trusts it for {}'s snapshots",
                published.path.string(), published.node);
}

} // namespace

Command register_keygen(CLI::App& app, Context& context) {
    auto options = std::make_shared<KeygenOptions>();
    auto* sub = app.add_subcommand("keygen", "Create a signing key pair (minisign format)");
    add_global_options(*sub, context.options);
    sub->add_option("--out", options->out, "Secret key file (default /etc/pmxsnap/signing.key)")
        ->type_name("FILE");
    sub->add_flag("--publish", options->publish,
                  "Publish the public key as /etc/pve/pmxsnap/keys/<node>.pub (an existing key "
                  "pair is published as it is)");
    sub->add_flag("--force", options->force,
                  "With --publish: replace another key published for this node");
    return {sub, [&context, options]() {
                if (options->force && !options->publish)
                    fail("--force: only with --publish (it replaces this node's published key)");
                fs::path secret_path =
                    options->out.empty() ? fs::path(context.options.key) : fs::path(options->out);
                auto public_path = public_key_path(secret_path);
                bool created = false;
                auto public_key = key_pair(secret_path, public_path, options->publish, created);
                std::optional<trust::Publication> published;
                if (options->publish)
                    published = trust::publish_key(context.host(), public_key, options->force);
                auto key_id = public_key.key_id_hex();
                if (context.out.json_mode())
                    context.out.json(
                        {{"schema", "pmxsnap.keygen/1"},
                         {"secret_key", secret_path.string()},
                         {"public_key", public_path.string()},
                         {"key_id", key_id},
                         {"created", created},
                         {"published", published ? nlohmann::json(published->path.string())
                                                 : nlohmann::json(nullptr)},
                         {"publish_changed", published && !published->unchanged},
                         {"replaced_key_id", published && published->replaced
                                                 ? nlohmann::json(*published->replaced)
                                                 : nlohmann::json(nullptr)}});
                if (created)
                    context.out.say("secret key {} (0600), public key {}, key id {}",
                                    secret_path.string(), public_path.string(), key_id);
                else
                    context.out.say("key pair {} exists, key id {}", public_path.string(), key_id);
                if (published)
                    say_published(context.out, *published);
                else
                    context.out.say("publish it with `pmxsnap keygen --publish` (every node then "
                                    "trusts it from /etc/pve), or copy {} into "
                                    "/etc/pmxsnap/trusted.d/ on every node that verifies these "
                                    "archives",
                                    public_path.string());
                return ExitCode::ok;
            }};
}

} // namespace pmxsnap::cli
