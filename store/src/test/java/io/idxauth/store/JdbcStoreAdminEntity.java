package io.idxauth.store;

import io.idxauth.core.Entity;
import io.idxauth.core.EntityKind;
import io.idxauth.core.Operation;
import java.util.EnumSet;

/** The reserved admin entity every store holds from its second migration on. */
final class JdbcStoreAdminEntity {

  static final Entity IDX_ADMIN =
      new Entity(
          "idx-admin",
          EntityKind.IDX_SERVICE,
          "Administration of idx-auth: granted by the admin roles",
          EnumSet.of(Operation.CREATE, Operation.READ, Operation.UPDATE, Operation.DELETE));

  private JdbcStoreAdminEntity() {}
}
