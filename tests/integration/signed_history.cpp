// pmxsnap-signed-history KEY NODE_DIR [NODES] < TIMES: for each unix time on
// stdin (one a line), writes a tiny archive <YYYYmmddTHHMMSSZ>.pmxsnap into
// NODE_DIR (<repo>/<cluster>/<node>) with a real .minisig made by KEY whose
// trusted comment is the pmxsnap index pmxsnap snapshot would sign. A long
// signed history in a second instead of a snapshot run per archive;
// prune and status read only the signatures and the archives' bytes.
// Without NODES the index is as written before health; with NODES (the
// nodelist, comma-separated) as written today: health=good, an authkey
// digest, the nodelist. Test-only.
#include "pmxsnap/crypto/blake2b.hpp"
#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/crypto/signature.hpp"
#include "pmxsnap/repo/repository.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/time.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace {

using namespace pmxsnap;

void write(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
    if (!out.flush())
        fail("{}: cannot write", path.string());
}

void write_snapshot(const crypto::SecretKey& key, const fs::path& directory, UnixSeconds time,
                    std::int64_t db_version, const std::string& nodes) {
    auto name = repo::archive_file_name(compact_utc_stamp(time), false);
    auto bytes = "not a real archive: " + name + "\n";
    crypto::Blake2b512 hasher;
    hasher.update(bytes);
    repo::TrustedComment comment;
    comment.cluster = directory.parent_path().filename().string();
    comment.node = directory.filename().string();
    comment.db_version = db_version;
    comment.config_version = 1;
    comment.state = std::string(64, 'a');
    comment.captured = iso8601_utc(time);
    comment.file = name;
    if (!nodes.empty()) { // else no health: a history as pmxsnap wrote it before health
        comment.health = "good";
        comment.authkey = std::string(repo::authkey_field_length, 'b');
        comment.nodelist.emplace();
        for (std::size_t at = 0; at <= nodes.size();) {
            auto comma = std::min(nodes.find(',', at), nodes.size());
            comment.nodelist->push_back(nodes.substr(at, comma - at));
            at = comma + 1;
        }
    }
    write(directory / name, bytes);
    write(repo::signature_path_for(directory / name),
          crypto::sign_prehashed(key, hasher.finish(), comment.format(),
                                 "signature from pmxsnap secret key"));
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3 && argc != 4) {
        std::fputs("usage: pmxsnap-signed-history KEY NODE_DIR [NODES] < TIMES\n", stderr);
        return 2;
    }
    try {
        if (sodium_init() < 0)
            pmxsnap::fail("libsodium failed to initialise");
        auto key = pmxsnap::crypto::load_secret_key(argv[1]);
        pmxsnap::fs::path directory = argv[2];
        std::string nodes = argc == 4 ? argv[3] : "";
        pmxsnap::create_directories(directory, pmxsnap::repo::directory_mode);
        pmxsnap::UnixSeconds time = 0;
        std::int64_t db_version = 1;
        while (std::cin >> time)
            write_snapshot(key, directory, time, db_version++, nodes);
        if (!std::cin.eof())
            pmxsnap::fail("stdin: expected unix times, one a line");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pmxsnap-signed-history: %s\n", e.what());
        return 2;
    }
    return 0;
}
