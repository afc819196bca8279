#pragma once
// The data folder's layout and first-start duties:
//   DIR/db/              RocksDB
//   DIR/master.key       secret-encryption key (unless given in the config)
//   DIR/operator-token   operator API token (0600)
//   DIR/initial-token    full-access token of the first account (0600)
//   DIR/endpoint         HOST:PORT the server listens on (for scripts)

#include <string>

#include "core/resources/document_store.hpp"
#include "core/util/secret_box.hpp"

namespace integrator {

class data_dir {
public:
  explicit data_dir(std::string path) : path_(std::move(path)) {}

  /// Creates the folder (0700) if needed. Throws on failure.
  void prepare();

  std::string store_path() const { return path_ + "/db"; }
  std::string operator_token_path() const { return path_ + "/operator-token"; }
  std::string initial_token_path() const { return path_ + "/initial-token"; }

  /// The master key: `configured` (64 hex) if set, else DIR/master.key,
  /// created on first start. Throws on a malformed key.
  secret_box::key_type master_key(const std::string& configured);

  /// The operator token, created on first start.
  std::string operator_token();

  /// On an empty store, creates the first account and writes its token.
  void ensure_initial_account(document_store& store);

  /// Records where the server listens.
  void write_endpoint(const std::string& host_port);

private:
  std::string path_;
};

}  // namespace integrator
