package io.idxauth.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MarketTest {

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "NEM", "AATELEC", "ACTELEC", "NSWELEC", "NTELEC", "QLDELEC", "SAELEC", "TASELEC", "VICELEC",
        "WAELEC", "AATGAS", "ACTGAS", "NSWGAS", "NTGAS", "QLDGAS", "SAGAS", "TASGAS", "VICGAS",
        "WAGAS", "NSWACTGAS"
      })
  void each_of_the_twenty_market_codes_is_valid(String code) {
    assertThat(Market.isValid(code)).isTrue();
    assertThat(Market.codes()).hasSize(20).contains(code);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @NullAndEmptySource
  @ValueSource(strings = {"nem", "Nem", " NEM", "NEM ", "NSW", "ELEC", "NSWACT", "VICGAS,NEM"})
  void anything_else_is_not(String code) {
    assertThat(Market.isValid(code)).isFalse();
  }
}
