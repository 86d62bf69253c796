#include "catch.hpp"

#include "pmxsnap/pveconfig/secrets.hpp"

using namespace pmxsnap::pveconfig;

TEST_CASE("secret files: priv/, private keys, corosync's authkey") {
    for (const char* path : {"pve/priv/token.cfg", "pve/priv/storage/store1.pw", "pve/pve-www.key",
                             "pve/nodes/pve1/pve-ssl.key", "host/etc/corosync/authkey",
                             "host/etc/ssh/ssh_host_ed25519_key"})
        CHECK(is_secret_file(path));
    for (const char* path : {"pve/storage.cfg", "pve/authkey.pub", "pve/nodes/pve1/pve-ssl.pem",
                             "host/etc/ssh/ssh_host_ed25519_key.pub", "pve/private.cfg"})
        CHECK_FALSE(is_secret_file(path));
}

TEST_CASE("secret keys, by name") {
    for (const char* key : {"password", "sasl-password", "encryption-key", "key", "secret", "token",
                            "psk", "community", "password #2", "api_token"})
        CHECK(is_secret_key(key));
    for (const char* key :
         {"keyring", "keyboard", "monkey", "sshkeys", "content", "passive", "token:root@pam!ci"})
        CHECK_FALSE(is_secret_key(key));
}

TEST_CASE("masking keeps the line and its key, replaces only the value") {
    auto masked = mask_secret_values("nfs: store0\n\tserver 198.18.1.1\n\tpassword hunter2\n"
                                     "[client.admin]\n\tkey = AQBsecret==\n"
                                     "token:root@pam!ci:0:1::\n"
                                     "smtp_password: p4ss");
    CHECK(masked == "nfs: store0\n\tserver 198.18.1.1\n\tpassword <secret masked>\n"
                    "[client.admin]\n\tkey = <secret masked>\n"
                    "token:root@pam!ci:0:1::\n"
                    "smtp_password: <secret masked>");
}
