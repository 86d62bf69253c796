#include "commands.hpp"

#include "pmxsnap/crypto/keys.hpp"
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

} // namespace

Command register_keygen(CLI::App& app, Context& context) {
    auto out = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("keygen", "Create a signing key pair (minisign format)");
    add_global_options(*sub, context.options);
    sub->add_option("--out", *out, "Secret key file (default /etc/pmxsnap/signing.key)")
        ->type_name("FILE");
    return {sub, [&context, out]() {
                fs::path secret_path =
                    out->empty() ? fs::path(context.options.key) : fs::path(*out);
                auto public_path = public_key_path(secret_path);
                if (fs::exists(public_path))
                    fail("{}: already exists; refusing to overwrite a key", public_path.string());
                create_directories(secret_path.parent_path(), 0755);
                auto key = crypto::generate_secret_key();
                write_new_file(secret_path, crypto::format_secret_key(key), 0600);
                write_new_file(public_path, crypto::format_public_key(key.public_key()), 0644);
                auto key_id = key.public_key().key_id_hex();
                if (context.out.json_mode())
                    context.out.json({{"schema", "pmxsnap.keygen/1"},
                                      {"secret_key", secret_path.string()},
                                      {"public_key", public_path.string()},
                                      {"key_id", key_id}});
                context.out.say("secret key {} (0600), public key {}, key id {}",
                                secret_path.string(), public_path.string(), key_id);
                context.out.say("copy {} into /etc/pmxsnap/trusted.d/ on every node that "
                                "verifies these archives",
                                public_path.string());
                return ExitCode::ok;
            }};
}

} // namespace pmxsnap::cli
