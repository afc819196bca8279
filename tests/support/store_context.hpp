#pragma once
// A fresh real store and one account's view of it, as the shard builds
// it: the documents (resource_store over a temporary RocksDB, a random
// secret box), validation hooks and an id generator. Shared by the storage
// tier's fixture and the deterministic actor tests.

#include "core/api/account_context.hpp"
#include "tests/storage/temp_store.hpp"

namespace integrator::test {

struct store_context {
  temp_store ts;
  secret_box box{*secret_box::key_from_hex(random_hex(32))};
  resource_store resources{*ts.store, box};
  validation_context validation;
  object_id_generator ids{{1, 2, 3, 4, 5}, 7};
  account_context ctx{resources, validation, ids};
};

}  // namespace integrator::test
