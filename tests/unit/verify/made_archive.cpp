#include "made_archive.hpp"

#include "fixture.hpp"
#include "snapshot.hpp"

#include "pmxsnap/host/host.hpp"

namespace pmxsnap::test {

Made make_archive(const Scratch& scratch, const std::string& name,
                  const std::function<void(const std::filesystem::path& root)>& damage,
                  std::uint64_t seed) {
    auto root = scratch / (name + "-root");
    fixture::Spec spec;
    spec.seed = seed;
    spec.guests = 30;
    spec.wal_tail = 2;
    fixture::generate(root, spec);
    if (damage)
        damage(root);
    auto key = crypto::generate_secret_key();
    put_file(scratch / (name + ".key"), crypto::format_secret_key(key));
    snapshot::SnapshotOptions options;
    options.repo = scratch / (name + "-repo");
    options.key = scratch / (name + ".key");
    auto result = snapshot::take_snapshot(host::Host(root), options);
    return {result.archive, key.public_key()};
}

std::string level_status(const trust::Verdict& v, const std::string& level) {
    for (const auto& l : v.levels)
        if (l.level == level)
            return trust::to_string(l.status);
    return "absent";
}

} // namespace pmxsnap::test
