// pmxsnap-tamper KEY ARCHIVE MEMBER FILE: rewrites a plain ARCHIVE with
// MEMBER's content replaced by FILE's bytes, its manifest entry (size,
// SHA-256) to match, and signs it again with KEY under the same trusted
// comment — what someone holding the signing key could make: an archive
// whole and authentic by levels 1 and 2, whose pve/ no longer is what its db
// gives. Test-only: the drill must name the path.
#include "pmxsnap/archive/archive_input.hpp"
#include "pmxsnap/archive/member_path.hpp"
#include "pmxsnap/archive/reader.hpp"
#include "pmxsnap/archive/writer.hpp"
#include "pmxsnap/crypto/blake2b.hpp"
#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/crypto/signature.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/file.hpp"
#include "pmxsnap/util/sha256.hpp"

#include <sodium.h>

#include <cstdio>
#include <fstream>
#include <map>

namespace {

using namespace pmxsnap;

// Every member's bytes, in memory: test archives are small.
class Collect : public archive::MemberHandler {
  public:
    void begin(const archive::Member& member) override { current_ = &contents[member.path]; }
    void data(std::string_view chunk) override { current_->append(chunk); }
    std::map<std::string, std::string> contents;

  private:
    std::string* current_ = nullptr;
};

void tamper(const crypto::SecretKey& key, const fs::path& archive, const std::string& member,
            const std::string& replacement) {
    archive::ArchiveInput input(archive, {});
    archive::Reader reader(input.source());
    Collect collect;
    reader.read_members(collect);
    auto manifest = reader.take_manifest();
    bool found = false;
    for (auto& m : manifest.members)
        if (m.path == member && !m.is_directory) {
            m.size = static_cast<std::int64_t>(replacement.size());
            m.sha256 = Sha256Digest(Sha256().update(replacement).finish());
            collect.contents[m.path] = replacement;
            found = true;
        }
    if (!found)
        fail("{}: no such file member in {}", member, archive.string());

    auto manifest_text = archive::serialize_manifest(manifest);
    auto temp = archive.string() + ".tampered";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        archive::Writer writer(
            [&](std::span<const std::uint8_t> bytes) {
                out.write(reinterpret_cast<const char*>(bytes.data()),
                          static_cast<std::streamsize>(bytes.size()));
            },
            {});
        archive::Member manifest_member;
        manifest_member.path = archive::manifest_member;
        manifest_member.mode = 0600;
        manifest_member.mtime = manifest.db.root_mtime;
        manifest_member.size = static_cast<std::int64_t>(manifest_text.size());
        writer.add_file(manifest_member, manifest_text);
        for (const auto& m : manifest.members) {
            if (m.is_directory)
                writer.add_directory(m);
            else
                writer.add_file(m, collect.contents[m.path]);
        }
        writer.finish();
        if (!out.flush())
            fail("{}: cannot write", temp);
    }
    fs::rename(temp, archive);

    auto signature_path = repo::signature_path_for(archive);
    auto old = crypto::parse_signature(read_file(signature_path), signature_path.string());
    crypto::Blake2b512 hasher;
    read_chunks(archive, [&](std::string_view chunk) { hasher.update(chunk); });
    std::ofstream out(signature_path, std::ios::binary | std::ios::trunc);
    out << crypto::sign_prehashed(key, hasher.finish(), old.trusted_comment, old.untrusted_comment);
    if (!out.flush())
        fail("{}: cannot write", signature_path.string());
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fputs("usage: pmxsnap-tamper KEY ARCHIVE MEMBER FILE\n", stderr);
        return 2;
    }
    try {
        if (sodium_init() < 0)
            pmxsnap::fail("libsodium failed to initialise");
        tamper(pmxsnap::crypto::load_secret_key(argv[1]), argv[2], argv[3],
               pmxsnap::read_file(argv[4]));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pmxsnap-tamper: %s\n", e.what());
        return 2;
    }
    return 0;
}
