#define CATCH_CONFIG_RUNNER
#include <sodium.h>

#include <atomic>
#include <catch2/catch.hpp>

namespace pmxsnap::test {

namespace {
std::atomic<std::uint64_t> failures{0};
}

std::uint64_t failed_assertions() {
    return failures.load();
}

// Counts failed assertions so Scratch can keep the directory of a failed test.
struct FailureCounter : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;
    bool assertionEnded(const Catch::AssertionStats& stats) override {
        if (!stats.assertionResult.isOk())
            ++failures;
        return true;
    }
};
CATCH_REGISTER_LISTENER(FailureCounter)

} // namespace pmxsnap::test

int main(int argc, char* argv[]) {
    if (sodium_init() < 0)
        return 2;
    return Catch::Session().run(argc, argv);
}
