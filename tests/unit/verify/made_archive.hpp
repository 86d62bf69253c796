// What the verify unit tests share: an archive made from a generated root
// (damaged first when asked) and a level's status in a verdict.
#pragma once

#include "scratch.hpp"

#include "pmxsnap/crypto/keys.hpp"
#include "pmxsnap/trust/verify_archive.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace pmxsnap::test {

struct Made {
    std::filesystem::path archive;
    crypto::PublicKey key;
};

Made make_archive(const Scratch& scratch, const std::string& name,
                  const std::function<void(const std::filesystem::path& root)>& damage = {},
                  std::uint64_t seed = 1);

std::string level_status(const trust::Verdict& v, const std::string& level);

} // namespace pmxsnap::test
