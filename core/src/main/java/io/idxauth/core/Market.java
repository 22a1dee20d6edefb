package io.idxauth.core;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The markets an IDX call can be made in, as the {@code x-market} header names them: the National
 * Electricity Market, each jurisdiction's electricity and gas markets, and the combined NSW/ACT gas
 * market. The header's value is the constant's name, exactly (upper case).
 */
public enum Market {
  NEM,
  AATELEC,
  ACTELEC,
  NSWELEC,
  NTELEC,
  QLDELEC,
  SAELEC,
  TASELEC,
  VICELEC,
  WAELEC,
  AATGAS,
  ACTGAS,
  NSWGAS,
  NTGAS,
  QLDGAS,
  SAGAS,
  TASGAS,
  VICGAS,
  WAGAS,
  NSWACTGAS;

  private static final Set<String> CODES =
      Arrays.stream(values()).map(Market::name).collect(Collectors.toUnmodifiableSet());

  private static final List<String> IN_ORDER = Arrays.stream(values()).map(Market::name).toList();

  /** True when {@code code} is one of the market codes, exactly as written (case matters). */
  public static boolean isValid(String code) {
    return code != null && CODES.contains(code);
  }

  /** Every market code, in the order above, for error messages and documentation. */
  public static List<String> codes() {
    return IN_ORDER;
  }
}
