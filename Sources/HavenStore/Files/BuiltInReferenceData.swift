// Written by scripts/embed-reference-data from data/*.json. Do not edit: edit data/ and run
// the script again (ReferenceDataLoaderTests fails while the two differ).

/// The package's `data/*.json` compiled into the binary, each file's name and exact text: the
/// reference data Haven uses when neither `--data` nor `$HAVEN_DATA` names a directory, so a
/// copied `haven` binary is a whole installation.
public enum BuiltInReferenceData {
    public static let files: [String: String] = [
        "allocation.json": #"""
{
 "about": "How the allocation engine scores a case in a country. Each factor's points are its weight times a level: family, relatives already in the country (at most 3); language, the best CEFR rank (A1=1 .. C2=6) in the country's languages; job, the demand level (0-3, labour-demand.json) for the person's best occupation; preference, 3/2/1 for the first/second/third stated choice; special needs, the country's support level (0-3) when the case records health needs.",
 "weights": {
  "family": 30,
  "language": 4,
  "job": 6,
  "preference": 5,
  "special-needs": 4
 },
 "specialNeedsSupport": {
  "GB": 2,
  "IE": 2,
  "FR": 2,
  "DE": 3,
  "NL": 3,
  "BE": 2,
  "LU": 2,
  "DK": 3,
  "SE": 3,
  "NO": 3,
  "FI": 2,
  "PL": 1,
  "CZ": 1,
  "SK": 1,
  "AT": 2,
  "IT": 1,
  "ES": 1,
  "PT": 1,
  "CA": 3,
  "US": 2
 }
}
"""#,
        "countries.json": #"""
[
  {
    "code": "GB",
    "name": "United Kingdom",
    "languages": [
      "en"
    ],
    "quota": 6000
  },
  {
    "code": "IE",
    "name": "Ireland",
    "languages": [
      "en",
      "ga"
    ],
    "quota": 6000
  },
  {
    "code": "FR",
    "name": "France",
    "languages": [
      "fr"
    ],
    "quota": 6000
  },
  {
    "code": "DE",
    "name": "Germany",
    "languages": [
      "de"
    ],
    "quota": 6000
  },
  {
    "code": "NL",
    "name": "Netherlands",
    "languages": [
      "nl"
    ],
    "quota": 6000
  },
  {
    "code": "BE",
    "name": "Belgium",
    "languages": [
      "nl",
      "fr",
      "de"
    ],
    "quota": 6000
  },
  {
    "code": "LU",
    "name": "Luxembourg",
    "languages": [
      "lb",
      "fr",
      "de"
    ],
    "quota": 6000
  },
  {
    "code": "DK",
    "name": "Denmark",
    "languages": [
      "da"
    ],
    "quota": 6000
  },
  {
    "code": "SE",
    "name": "Sweden",
    "languages": [
      "sv"
    ],
    "quota": 6000
  },
  {
    "code": "NO",
    "name": "Norway",
    "languages": [
      "no"
    ],
    "quota": 6000
  },
  {
    "code": "FI",
    "name": "Finland",
    "languages": [
      "fi",
      "sv"
    ],
    "quota": 6000
  },
  {
    "code": "PL",
    "name": "Poland",
    "languages": [
      "pl"
    ],
    "quota": 6000
  },
  {
    "code": "CZ",
    "name": "Czechia",
    "languages": [
      "cs"
    ],
    "quota": 6000
  },
  {
    "code": "SK",
    "name": "Slovakia",
    "languages": [
      "sk"
    ],
    "quota": 6000
  },
  {
    "code": "AT",
    "name": "Austria",
    "languages": [
      "de"
    ],
    "quota": 6000
  },
  {
    "code": "IT",
    "name": "Italy",
    "languages": [
      "it"
    ],
    "quota": 6000
  },
  {
    "code": "ES",
    "name": "Spain",
    "languages": [
      "es"
    ],
    "quota": 6000
  },
  {
    "code": "PT",
    "name": "Portugal",
    "languages": [
      "pt"
    ],
    "quota": 6000
  },
  {
    "code": "CA",
    "name": "Canada",
    "languages": [
      "en",
      "fr"
    ],
    "quota": 6000
  },
  {
    "code": "US",
    "name": "United States",
    "languages": [
      "en"
    ],
    "quota": 6000
  }
]

"""#,
        "labour-demand.json": #"""
{
 "about": "Demand for each ISCO-08 unit group per host country: 1 some, 2 strong, 3 shortage; a group not listed has none. Illustrative figures for the demo and tests; replace with the programme's labour-market data (EURES shortage occupations, national lists).",
 "countries": {
  "GB": {
   "2142": 1,
   "2221": 1,
   "2240": 2,
   "2523": 2,
   "2643": 1,
   "3114": 1,
   "3115": 2,
   "3119": 1,
   "3131": 2,
   "3153": 1,
   "3154": 1,
   "3212": 2,
   "3256": 1,
   "3423": 1,
   "3511": 2,
   "3513": 1,
   "3521": 3,
   "4321": 1,
   "4323": 1,
   "5321": 1,
   "5411": 1,
   "5414": 1,
   "5419": 2,
   "7115": 2,
   "7126": 1,
   "7127": 1,
   "7212": 2,
   "7223": 2,
   "7231": 2,
   "7232": 1,
   "7233": 1,
   "7411": 1,
   "7412": 2,
   "7421": 1,
   "7422": 1,
   "7512": 1,
   "7541": 2,
   "7542": 2,
   "8182": 1,
   "8311": 1,
   "8322": 2,
   "8332": 2,
   "8342": 2,
   "8344": 1,
   "8350": 1,
   "9313": 1,
   "9412": 2
  },
  "IE": {
   "2142": 3,
   "2221": 1,
   "2240": 2,
   "2523": 3,
   "3112": 2,
   "3114": 1,
   "3119": 2,
   "3131": 2,
   "3151": 2,
   "3154": 2,
   "3155": 2,
   "3212": 1,
   "3256": 2,
   "3423": 1,
   "3511": 1,
   "3513": 2,
   "3521": 3,
   "3522": 1,
   "5321": 2,
   "5411": 1,
   "5414": 1,
   "5419": 1,
   "7115": 3,
   "7126": 2,
   "7127": 1,
   "7212": 3,
   "7223": 2,
   "7231": 3,
   "7232": 1,
   "7233": 3,
   "7411": 3,
   "7412": 3,
   "7413": 1,
   "7421": 2,
   "7422": 2,
   "7512": 1,
   "7541": 2,
   "7542": 1,
   "8182": 1,
   "8311": 1,
   "8322": 3,
   "8331": 1,
   "8332": 2,
   "8342": 3,
   "8343": 2,
   "8344": 1,
   "8350": 1,
   "9412": 2
  },
  "FR": {
   "2142": 1,
   "2165": 1,
   "2221": 1,
   "2240": 2,
   "2523": 1,
   "2643": 1,
   "3112": 1,
   "3114": 1,
   "3119": 2,
   "3131": 2,
   "3153": 2,
   "3154": 1,
   "3212": 1,
   "3256": 1,
   "3258": 1,
   "3423": 1,
   "3511": 1,
   "3513": 1,
   "3521": 1,
   "5120": 2,
   "5321": 3,
   "5419": 1,
   "7115": 1,
   "7126": 2,
   "7127": 1,
   "7212": 3,
   "7223": 2,
   "7231": 1,
   "7232": 1,
   "7233": 2,
   "7411": 3,
   "7412": 3,
   "7413": 2,
   "7421": 2,
   "7422": 1,
   "7512": 2,
   "7542": 1,
   "8182": 1,
   "8311": 1,
   "8322": 2,
   "8332": 1,
   "8342": 2,
   "8343": 1,
   "8344": 1,
   "8350": 2,
   "9313": 2,
   "9412": 2
  },
  "DE": {
   "2142": 2,
   "2165": 1,
   "2240": 1,
   "2523": 2,
   "2643": 1,
   "3115": 1,
   "3119": 2,
   "3131": 1,
   "3153": 1,
   "3155": 2,
   "3212": 1,
   "3256": 2,
   "3258": 2,
   "3511": 1,
   "3521": 2,
   "4321": 1,
   "4323": 1,
   "5120": 1,
   "5321": 2,
   "5411": 1,
   "5414": 2,
   "5419": 1,
   "7115": 2,
   "7126": 2,
   "7127": 2,
   "7212": 2,
   "7223": 1,
   "7231": 2,
   "7233": 3,
   "7411": 2,
   "7412": 2,
   "7413": 2,
   "7421": 2,
   "7512": 2,
   "7541": 1,
   "7542": 1,
   "8182": 1,
   "8311": 1,
   "8322": 2,
   "8331": 1,
   "8332": 2,
   "8342": 2,
   "8343": 2
  },
  "NL": {
   "2142": 1,
   "2165": 1,
   "2523": 2,
   "2643": 2,
   "3112": 1,
   "3114": 1,
   "3119": 2,
   "3153": 1,
   "3154": 2,
   "3256": 1,
   "3511": 2,
   "3513": 1,
   "3521": 2,
   "3522": 2,
   "4321": 1,
   "4323": 1,
   "5120": 1,
   "5321": 2,
   "5414": 1,
   "5419": 1,
   "7115": 1,
   "7126": 1,
   "7127": 1,
   "7212": 2,
   "7231": 2,
   "7233": 2,
   "7411": 2,
   "7412": 3,
   "7421": 1,
   "7422": 1,
   "7542": 1,
   "8311": 2,
   "8322": 1,
   "8331": 2,
   "8332": 2,
   "8342": 1,
   "8343": 1,
   "8344": 1,
   "8350": 1,
   "9313": 1,
   "9412": 2
  },
  "BE": {
   "2142": 3,
   "2165": 2,
   "2221": 1,
   "2240": 1,
   "2523": 2,
   "2643": 1,
   "3114": 1,
   "3115": 2,
   "3131": 1,
   "3154": 1,
   "3212": 1,
   "3256": 2,
   "3258": 2,
   "3423": 2,
   "3511": 2,
   "3513": 1,
   "3521": 3,
   "3522": 1,
   "4321": 2,
   "5120": 1,
   "5321": 3,
   "5411": 1,
   "5414": 1,
   "5419": 1,
   "7115": 2,
   "7126": 2,
   "7127": 1,
   "7212": 2,
   "7231": 2,
   "7232": 1,
   "7233": 1,
   "7411": 3,
   "7412": 2,
   "7421": 1,
   "7422": 2,
   "7512": 2,
   "7541": 1,
   "7542": 1,
   "8311": 2,
   "8322": 2,
   "8331": 1,
   "8332": 3,
   "8342": 2,
   "8344": 1,
   "8350": 1
  },
  "LU": {
   "2142": 1,
   "2221": 1,
   "2240": 1,
   "2523": 2,
   "2643": 1,
   "3112": 1,
   "3114": 1,
   "3115": 1,
   "3119": 1,
   "3131": 1,
   "3151": 2,
   "3153": 2,
   "3155": 1,
   "3212": 2,
   "3256": 1,
   "3258": 1,
   "3423": 1,
   "3511": 1,
   "3513": 1,
   "3521": 1,
   "3522": 1,
   "5321": 3,
   "5411": 2,
   "5414": 1,
   "7115": 1,
   "7126": 2,
   "7212": 3,
   "7223": 1,
   "7231": 1,
   "7232": 1,
   "7233": 2,
   "7411": 2,
   "7412": 2,
   "7413": 2,
   "7421": 2,
   "7512": 1,
   "7542": 2,
   "8182": 1,
   "8322": 2,
   "8331": 2,
   "8332": 2,
   "8342": 1,
   "8343": 2,
   "8350": 2,
   "9313": 1,
   "9412": 1
  },
  "DK": {
   "2142": 2,
   "2165": 1,
   "2221": 1,
   "2240": 2,
   "2523": 1,
   "2643": 1,
   "3114": 2,
   "3115": 1,
   "3119": 1,
   "3151": 1,
   "3154": 1,
   "3155": 1,
   "3212": 1,
   "3256": 1,
   "3258": 1,
   "3511": 1,
   "3513": 1,
   "3521": 2,
   "3522": 1,
   "4321": 1,
   "5321": 2,
   "5411": 1,
   "5414": 1,
   "5419": 1,
   "7115": 3,
   "7126": 2,
   "7127": 2,
   "7212": 3,
   "7223": 1,
   "7231": 1,
   "7233": 3,
   "7411": 1,
   "7412": 2,
   "7413": 2,
   "7421": 1,
   "7422": 1,
   "7541": 2,
   "7542": 1,
   "8182": 1,
   "8311": 1,
   "8322": 2,
   "8331": 2,
   "8332": 2,
   "8342": 1,
   "8343": 2,
   "8344": 1,
   "8350": 1,
   "9412": 1
  },
  "SE": {
   "2142": 1,
   "2165": 2,
   "2221": 2,
   "2523": 2,
   "2643": 1,
   "3112": 1,
   "3119": 1,
   "3131": 1,
   "3151": 1,
   "3153": 2,
   "3154": 2,
   "3256": 1,
   "3258": 2,
   "3423": 2,
   "3511": 1,
   "3513": 1,
   "3521": 2,
   "4323": 2,
   "5120": 1,
   "5321": 2,
   "5411": 1,
   "7115": 2,
   "7126": 2,
   "7212": 1,
   "7223": 2,
   "7231": 2,
   "7232": 2,
   "7233": 2,
   "7411": 1,
   "7412": 2,
   "7413": 1,
   "7421": 1,
   "7422": 1,
   "7542": 1,
   "8182": 1,
   "8311": 2,
   "8322": 3,
   "8331": 2,
   "8332": 3,
   "8342": 2,
   "8343": 2,
   "8344": 1,
   "8350": 1,
   "9412": 1
  },
  "NO": {
   "2142": 2,
   "2165": 2,
   "2221": 1,
   "2240": 1,
   "2523": 2,
   "3112": 2,
   "3114": 1,
   "3115": 2,
   "3151": 1,
   "3153": 1,
   "3154": 2,
   "3155": 1,
   "3212": 2,
   "3256": 2,
   "3258": 1,
   "3423": 1,
   "3511": 1,
   "3521": 3,
   "3522": 1,
   "4321": 1,
   "4323": 1,
   "5120": 2,
   "5321": 2,
   "5414": 2,
   "5419": 1,
   "7115": 2,
   "7126": 3,
   "7127": 2,
   "7212": 2,
   "7231": 3,
   "7232": 2,
   "7233": 3,
   "7411": 1,
   "7412": 1,
   "7421": 2,
   "7422": 2,
   "7542": 1,
   "8182": 1,
   "8311": 1,
   "8322": 2,
   "8331": 2,
   "8332": 1,
   "8342": 3,
   "8350": 1,
   "9313": 1,
   "9412": 1
  },
  "FI": {
   "2142": 1,
   "2165": 1,
   "2221": 2,
   "2240": 1,
   "2523": 2,
   "2643": 2,
   "3112": 1,
   "3119": 1,
   "3154": 2,
   "3212": 2,
   "3256": 2,
   "3258": 1,
   "3423": 2,
   "3511": 1,
   "3513": 1,
   "3521": 2,
   "3522": 1,
   "4323": 1,
   "5321": 2,
   "5411": 1,
   "5414": 2,
   "5419": 1,
   "7115": 2,
   "7126": 3,
   "7127": 1,
   "7212": 2,
   "7223": 1,
   "7231": 2,
   "7232": 1,
   "7233": 1,
   "7411": 2,
   "7412": 2,
   "7413": 2,
   "7422": 2,
   "8311": 1,
   "8322": 1,
   "8331": 2,
   "8332": 2,
   "8342": 2,
   "8343": 2,
   "8344": 1,
   "9313": 1,
   "9412": 1
  },
  "PL": {
   "2142": 1,
   "2221": 1,
   "2523": 3,
   "2643": 1,
   "3112": 1,
   "3114": 2,
   "3115": 2,
   "3131": 2,
   "3151": 1,
   "3153": 1,
   "3154": 1,
   "3155": 1,
   "3212": 2,
   "3256": 1,
   "3258": 2,
   "3511": 2,
   "3513": 1,
   "3521": 2,
   "3522": 1,
   "4321": 1,
   "4323": 2,
   "5120": 1,
   "5321": 1,
   "5411": 1,
   "5414": 1,
   "5419": 1,
   "7115": 3,
   "7126": 3,
   "7127": 1,
   "7212": 3,
   "7223": 1,
   "7231": 2,
   "7232": 1,
   "7233": 2,
   "7411": 3,
   "7412": 2,
   "7421": 1,
   "7512": 1,
   "7541": 1,
   "7542": 2,
   "8311": 1,
   "8322": 2,
   "8332": 1,
   "8342": 3,
   "8343": 2,
   "8350": 1,
   "9313": 1,
   "9412": 1
  },
  "CZ": {
   "2142": 2,
   "2165": 1,
   "2221": 1,
   "2523": 2,
   "3114": 1,
   "3115": 1,
   "3119": 1,
   "3131": 1,
   "3153": 2,
   "3155": 1,
   "3212": 1,
   "3256": 1,
   "3258": 2,
   "3423": 2,
   "3521": 2,
   "3522": 1,
   "4321": 1,
   "4323": 1,
   "5120": 1,
   "5321": 2,
   "5411": 1,
   "5414": 1,
   "5419": 1,
   "7115": 2,
   "7126": 2,
   "7127": 1,
   "7212": 1,
   "7223": 1,
   "7231": 3,
   "7233": 1,
   "7411": 1,
   "7412": 1,
   "7413": 1,
   "7421": 1,
   "7422": 2,
   "7512": 2,
   "7541": 1,
   "7542": 1,
   "8182": 2,
   "8311": 2,
   "8322": 2,
   "8331": 2,
   "8332": 3,
   "8342": 2,
   "8350": 2,
   "9313": 2
  },
  "SK": {
   "2142": 1,
   "2240": 1,
   "2523": 2,
   "2643": 2,
   "3112": 1,
   "3115": 1,
   "3119": 1,
   "3153": 2,
   "3155": 1,
   "3212": 2,
   "3258": 1,
   "3423": 2,
   "3511": 1,
   "3521": 1,
   "3522": 2,
   "4321": 1,
   "4323": 1,
   "5120": 1,
   "5321": 3,
   "5411": 2,
   "5414": 2,
   "5419": 1,
   "7115": 2,
   "7126": 2,
   "7212": 3,
   "7223": 2,
   "7231": 1,
   "7232": 1,
   "7233": 2,
   "7411": 2,
   "7412": 1,
   "7413": 1,
   "7421": 1,
   "7422": 1,
   "7512": 1,
   "7541": 1,
   "7542": 1,
   "8182": 2,
   "8311": 2,
   "8322": 2,
   "8331": 2,
   "8332": 2,
   "8342": 2,
   "8344": 2,
   "8350": 1,
   "9412": 1
  },
  "AT": {
   "2142": 1,
   "2165": 1,
   "2240": 1,
   "2523": 1,
   "2643": 2,
   "3114": 1,
   "3115": 1,
   "3151": 1,
   "3153": 1,
   "3154": 1,
   "3155": 1,
   "3256": 1,
   "3423": 1,
   "3511": 2,
   "3521": 1,
   "3522": 1,
   "4321": 1,
   "4323": 2,
   "5120": 1,
   "5321": 3,
   "5411": 1,
   "5419": 2,
   "7115": 2,
   "7126": 3,
   "7212": 2,
   "7223": 1,
   "7231": 2,
   "7233": 2,
   "7411": 2,
   "7412": 1,
   "7413": 1,
   "7422": 1,
   "7512": 1,
   "7542": 1,
   "8182": 1,
   "8311": 2,
   "8322": 2,
   "8332": 2,
   "8342": 2,
   "8344": 2,
   "8350": 2,
   "9412": 1
  },
  "IT": {
   "2142": 3,
   "2165": 1,
   "2240": 1,
   "2523": 1,
   "3115": 1,
   "3131": 2,
   "3153": 1,
   "3154": 1,
   "3155": 1,
   "3212": 1,
   "3256": 1,
   "3258": 1,
   "3423": 1,
   "3511": 1,
   "3513": 1,
   "3521": 2,
   "4323": 1,
   "5120": 2,
   "5321": 1,
   "5411": 2,
   "5414": 2,
   "5419": 2,
   "7115": 2,
   "7126": 2,
   "7212": 2,
   "7223": 1,
   "7231": 2,
   "7233": 2,
   "7411": 2,
   "7412": 1,
   "7413": 2,
   "7421": 1,
   "7422": 1,
   "7512": 1,
   "7541": 2,
   "7542": 1,
   "8311": 1,
   "8322": 2,
   "8331": 1,
   "8332": 2,
   "8342": 2,
   "8344": 1,
   "8350": 2,
   "9313": 1,
   "9412": 2
  },
  "ES": {
   "2142": 1,
   "2221": 1,
   "2523": 2,
   "2643": 2,
   "3112": 2,
   "3114": 1,
   "3119": 2,
   "3131": 2,
   "3153": 2,
   "3154": 1,
   "3212": 2,
   "3521": 2,
   "3522": 1,
   "4321": 1,
   "4323": 1,
   "5120": 2,
   "5321": 2,
   "5419": 1,
   "7115": 1,
   "7126": 1,
   "7127": 2,
   "7212": 1,
   "7223": 1,
   "7231": 2,
   "7232": 1,
   "7233": 1,
   "7411": 3,
   "7412": 2,
   "7413": 1,
   "7421": 1,
   "7512": 1,
   "7541": 2,
   "8182": 1,
   "8322": 1,
   "8332": 2,
   "8342": 1,
   "8344": 2,
   "9313": 2,
   "9412": 1
  },
  "PT": {
   "2142": 1,
   "2165": 1,
   "2240": 1,
   "2523": 1,
   "2643": 1,
   "3112": 1,
   "3114": 2,
   "3115": 2,
   "3131": 1,
   "3153": 1,
   "3154": 1,
   "3155": 1,
   "3212": 2,
   "3256": 1,
   "3258": 1,
   "3423": 1,
   "3511": 1,
   "3513": 1,
   "3521": 1,
   "3522": 2,
   "4321": 1,
   "4323": 1,
   "5120": 1,
   "5321": 3,
   "5414": 1,
   "5419": 1,
   "7115": 3,
   "7126": 2,
   "7212": 3,
   "7223": 1,
   "7231": 2,
   "7232": 1,
   "7233": 2,
   "7411": 2,
   "7412": 3,
   "7422": 2,
   "7512": 1,
   "7541": 2,
   "7542": 1,
   "8182": 2,
   "8311": 1,
   "8322": 3,
   "8331": 1,
   "8332": 2,
   "8342": 2,
   "8350": 1,
   "9313": 2,
   "9412": 1
  },
  "CA": {
   "2142": 2,
   "2165": 1,
   "2221": 2,
   "2240": 1,
   "2523": 2,
   "3112": 1,
   "3115": 1,
   "3119": 2,
   "3131": 1,
   "3151": 1,
   "3153": 1,
   "3154": 1,
   "3212": 2,
   "3256": 1,
   "3258": 1,
   "3423": 2,
   "3511": 1,
   "3521": 2,
   "4323": 2,
   "5120": 2,
   "5321": 2,
   "5411": 1,
   "5414": 1,
   "5419": 1,
   "7115": 1,
   "7126": 3,
   "7127": 2,
   "7212": 2,
   "7223": 2,
   "7231": 3,
   "7233": 3,
   "7411": 2,
   "7412": 2,
   "7413": 1,
   "7421": 1,
   "7422": 2,
   "7512": 1,
   "7541": 1,
   "7542": 1,
   "8182": 1,
   "8311": 1,
   "8322": 3,
   "8331": 1,
   "8332": 2,
   "8342": 1,
   "8343": 1,
   "8344": 2,
   "8350": 1,
   "9313": 1,
   "9412": 1
  },
  "US": {
   "2142": 1,
   "2523": 3,
   "2643": 1,
   "3112": 2,
   "3115": 1,
   "3119": 1,
   "3151": 1,
   "3154": 2,
   "3256": 2,
   "3258": 1,
   "3423": 1,
   "3513": 1,
   "3521": 3,
   "4321": 1,
   "4323": 1,
   "5120": 1,
   "5321": 1,
   "5414": 2,
   "5419": 1,
   "7115": 2,
   "7126": 3,
   "7127": 1,
   "7212": 2,
   "7223": 1,
   "7231": 1,
   "7232": 2,
   "7233": 3,
   "7411": 2,
   "7412": 1,
   "7413": 1,
   "7421": 1,
   "7512": 2,
   "7541": 1,
   "8311": 1,
   "8322": 3,
   "8331": 1,
   "8332": 2,
   "8342": 3,
   "8350": 1,
   "9412": 1
  }
 }
}
"""#,
        "occupations.json": #"""
{
  "unitGroups": [
    {
      "code": "0110",
      "title": "Commissioned armed forces officers"
    },
    {
      "code": "0210",
      "title": "Non-commissioned armed forces officers"
    },
    {
      "code": "0310",
      "title": "Armed forces occupations, other ranks"
    },
    {
      "code": "2142",
      "title": "Civil engineers"
    },
    {
      "code": "2165",
      "title": "Cartographers and surveyors"
    },
    {
      "code": "2221",
      "title": "Nursing professionals"
    },
    {
      "code": "2240",
      "title": "Paramedical practitioners"
    },
    {
      "code": "2523",
      "title": "Computer network professionals"
    },
    {
      "code": "2643",
      "title": "Translators, interpreters and other linguists"
    },
    {
      "code": "3112",
      "title": "Civil engineering technicians"
    },
    {
      "code": "3114",
      "title": "Electronics engineering technicians"
    },
    {
      "code": "3115",
      "title": "Mechanical engineering technicians"
    },
    {
      "code": "3119",
      "title": "Physical and engineering science technicians not elsewhere classified"
    },
    {
      "code": "3131",
      "title": "Power production plant operators"
    },
    {
      "code": "3151",
      "title": "Ships' engineers"
    },
    {
      "code": "3153",
      "title": "Aircraft pilots and related associate professionals"
    },
    {
      "code": "3154",
      "title": "Air traffic controllers"
    },
    {
      "code": "3155",
      "title": "Air traffic safety electronics technicians"
    },
    {
      "code": "3212",
      "title": "Medical and pathology laboratory technicians"
    },
    {
      "code": "3256",
      "title": "Medical assistants"
    },
    {
      "code": "3258",
      "title": "Ambulance workers"
    },
    {
      "code": "3423",
      "title": "Fitness and recreation instructors and programme leaders"
    },
    {
      "code": "3511",
      "title": "Information and communications technology operations technicians"
    },
    {
      "code": "3513",
      "title": "Computer network and systems technicians"
    },
    {
      "code": "3521",
      "title": "Broadcasting and audio-visual technicians"
    },
    {
      "code": "3522",
      "title": "Telecommunications engineering technicians"
    },
    {
      "code": "4321",
      "title": "Stock clerks"
    },
    {
      "code": "4323",
      "title": "Transport clerks"
    },
    {
      "code": "5120",
      "title": "Cooks"
    },
    {
      "code": "5321",
      "title": "Health care assistants"
    },
    {
      "code": "5411",
      "title": "Firefighters"
    },
    {
      "code": "5414",
      "title": "Security guards"
    },
    {
      "code": "5419",
      "title": "Protective services workers not elsewhere classified"
    },
    {
      "code": "7115",
      "title": "Carpenters and joiners"
    },
    {
      "code": "7126",
      "title": "Plumbers and pipe fitters"
    },
    {
      "code": "7127",
      "title": "Air conditioning and refrigeration mechanics"
    },
    {
      "code": "7212",
      "title": "Welders and flamecutters"
    },
    {
      "code": "7223",
      "title": "Metal working machine tool setters and operators"
    },
    {
      "code": "7231",
      "title": "Motor vehicle mechanics and repairers"
    },
    {
      "code": "7232",
      "title": "Aircraft engine mechanics and repairers"
    },
    {
      "code": "7233",
      "title": "Agricultural and industrial machinery mechanics and repairers"
    },
    {
      "code": "7411",
      "title": "Building and related electricians"
    },
    {
      "code": "7412",
      "title": "Electrical mechanics and fitters"
    },
    {
      "code": "7413",
      "title": "Electrical line installers and repairers"
    },
    {
      "code": "7421",
      "title": "Electronics mechanics and servicers"
    },
    {
      "code": "7422",
      "title": "Information and communications technology installers and servicers"
    },
    {
      "code": "7512",
      "title": "Bakers, pastry-cooks and confectionery makers"
    },
    {
      "code": "7541",
      "title": "Underwater divers"
    },
    {
      "code": "7542",
      "title": "Shotfirers and blasters"
    },
    {
      "code": "8182",
      "title": "Steam engine and boiler operators"
    },
    {
      "code": "8311",
      "title": "Locomotive engine drivers"
    },
    {
      "code": "8322",
      "title": "Car, taxi and van drivers"
    },
    {
      "code": "8331",
      "title": "Bus and tram drivers"
    },
    {
      "code": "8332",
      "title": "Heavy truck and lorry drivers"
    },
    {
      "code": "8342",
      "title": "Earthmoving and related plant operators"
    },
    {
      "code": "8343",
      "title": "Crane, hoist and related plant operators"
    },
    {
      "code": "8344",
      "title": "Lifting truck operators"
    },
    {
      "code": "8350",
      "title": "Ships' deck crews and related workers"
    },
    {
      "code": "9313",
      "title": "Building construction labourers"
    },
    {
      "code": "9412",
      "title": "Kitchen helpers"
    }
  ],
  "specialties": [
    {
      "code": "tank-commander",
      "name": "Tank commander",
      "russianName": "командир танка",
      "occupations": [
        "0210",
        "8342",
        "7233"
      ]
    },
    {
      "code": "tank-driver-mechanic",
      "name": "Tank driver-mechanic",
      "russianName": "механик-водитель танка",
      "occupations": [
        "8342",
        "7233",
        "8332"
      ]
    },
    {
      "code": "tank-gunner",
      "name": "Tank gunner-operator",
      "russianName": "наводчик-оператор танка",
      "occupations": [
        "8342",
        "7421"
      ]
    },
    {
      "code": "ifv-driver-mechanic",
      "name": "IFV/APC driver-mechanic",
      "russianName": "механик-водитель БМП/БТР",
      "occupations": [
        "8332",
        "7231",
        "8342"
      ]
    },
    {
      "code": "ifv-gunner",
      "name": "IFV gunner-operator",
      "russianName": "наводчик-оператор БМП",
      "occupations": [
        "7421",
        "8342"
      ]
    },
    {
      "code": "motor-rifleman",
      "name": "Motorised rifleman",
      "russianName": "стрелок мотострелковых войск",
      "occupations": [
        "5414",
        "9313",
        "0310"
      ]
    },
    {
      "code": "machine-gunner",
      "name": "Machine gunner",
      "russianName": "пулемётчик",
      "occupations": [
        "5414",
        "0310"
      ]
    },
    {
      "code": "sniper",
      "name": "Sniper",
      "russianName": "снайпер",
      "occupations": [
        "5419",
        "0310"
      ]
    },
    {
      "code": "grenade-launcher-operator",
      "name": "Grenade launcher operator",
      "russianName": "гранатомётчик",
      "occupations": [
        "5414",
        "0310"
      ]
    },
    {
      "code": "paratrooper",
      "name": "Airborne trooper",
      "russianName": "десантник",
      "occupations": [
        "5414",
        "3423",
        "0310"
      ]
    },
    {
      "code": "naval-infantryman",
      "name": "Naval infantryman",
      "russianName": "морской пехотинец",
      "occupations": [
        "5414",
        "8350",
        "0310"
      ]
    },
    {
      "code": "reconnaissance-scout",
      "name": "Reconnaissance scout",
      "russianName": "разведчик",
      "occupations": [
        "5419",
        "2165"
      ]
    },
    {
      "code": "military-driver",
      "name": "Military driver",
      "russianName": "водитель",
      "occupations": [
        "8332",
        "8322",
        "8331"
      ]
    },
    {
      "code": "vehicle-mechanic",
      "name": "Vehicle mechanic",
      "russianName": "автомеханик, ремонтник",
      "occupations": [
        "7231",
        "7233"
      ]
    },
    {
      "code": "armour-repair-technician",
      "name": "Armour repair technician",
      "russianName": "ремонтник бронетехники",
      "occupations": [
        "7233",
        "7212",
        "7231"
      ]
    },
    {
      "code": "recovery-vehicle-operator",
      "name": "Recovery and crane vehicle operator",
      "russianName": "водитель-крановщик, эвакуатор",
      "occupations": [
        "8343",
        "8332"
      ]
    },
    {
      "code": "signaller",
      "name": "Signaller, radio operator",
      "russianName": "связист, радиотелефонист",
      "occupations": [
        "3522",
        "7422"
      ]
    },
    {
      "code": "radio-relay-operator",
      "name": "Radio-relay station operator",
      "russianName": "оператор радиорелейной станции",
      "occupations": [
        "3522",
        "3521"
      ]
    },
    {
      "code": "cable-line-installer",
      "name": "Field cable line installer",
      "russianName": "линейный надсмотрщик, кабельщик",
      "occupations": [
        "7413",
        "7422"
      ]
    },
    {
      "code": "electronic-warfare-operator",
      "name": "Electronic warfare operator",
      "russianName": "оператор РЭБ",
      "occupations": [
        "3114",
        "7421",
        "3522"
      ]
    },
    {
      "code": "radar-operator",
      "name": "Radar operator",
      "russianName": "оператор РЛС",
      "occupations": [
        "3155",
        "3114"
      ]
    },
    {
      "code": "drone-operator",
      "name": "Drone (UAV) operator",
      "russianName": "оператор БПЛА",
      "occupations": [
        "3153",
        "7421",
        "3114"
      ]
    },
    {
      "code": "it-specialist",
      "name": "Information systems specialist",
      "russianName": "специалист АСУ",
      "occupations": [
        "3513",
        "2523",
        "3511"
      ]
    },
    {
      "code": "combat-medic",
      "name": "Combat medic",
      "russianName": "санитарный инструктор, санитар",
      "occupations": [
        "3258",
        "5321",
        "3256"
      ]
    },
    {
      "code": "military-feldsher",
      "name": "Military feldsher (paramedic)",
      "russianName": "военный фельдшер",
      "occupations": [
        "2240",
        "3258"
      ]
    },
    {
      "code": "military-nurse",
      "name": "Military nurse",
      "russianName": "медицинская сестра",
      "occupations": [
        "2221",
        "3256"
      ]
    },
    {
      "code": "lab-assistant",
      "name": "Medical laboratory assistant",
      "russianName": "лаборант",
      "occupations": [
        "3212"
      ]
    },
    {
      "code": "military-cook",
      "name": "Military cook",
      "russianName": "повар",
      "occupations": [
        "5120",
        "9412"
      ]
    },
    {
      "code": "military-baker",
      "name": "Field baker",
      "russianName": "пекарь",
      "occupations": [
        "7512",
        "5120"
      ]
    },
    {
      "code": "combat-engineer",
      "name": "Combat engineer",
      "russianName": "сапёр-инженер",
      "occupations": [
        "7542",
        "9313",
        "3112"
      ]
    },
    {
      "code": "sapper",
      "name": "Sapper (mine clearance)",
      "russianName": "сапёр",
      "occupations": [
        "7542",
        "5419"
      ]
    },
    {
      "code": "pontoon-bridge-engineer",
      "name": "Pontoon bridge engineer",
      "russianName": "понтонёр",
      "occupations": [
        "8343",
        "7115",
        "3112"
      ]
    },
    {
      "code": "construction-engineer",
      "name": "Military construction engineer",
      "russianName": "военный строитель",
      "occupations": [
        "3112",
        "2142",
        "7115"
      ]
    },
    {
      "code": "earthmoving-operator",
      "name": "Engineering vehicle operator",
      "russianName": "механик-водитель инженерной машины",
      "occupations": [
        "8342",
        "8344"
      ]
    },
    {
      "code": "electrician",
      "name": "Military electrician",
      "russianName": "электрик, электромонтёр",
      "occupations": [
        "7411",
        "7412"
      ]
    },
    {
      "code": "power-station-operator",
      "name": "Mobile power station operator",
      "russianName": "моторист электростанции",
      "occupations": [
        "3131",
        "7412"
      ]
    },
    {
      "code": "fuel-specialist",
      "name": "Fuel and lubricants specialist",
      "russianName": "специалист службы ГСМ",
      "occupations": [
        "4321",
        "8332"
      ]
    },
    {
      "code": "supply-clerk",
      "name": "Supply clerk, storekeeper",
      "russianName": "кладовщик, начальник склада",
      "occupations": [
        "4321",
        "4323"
      ]
    },
    {
      "code": "artillery-gunner",
      "name": "Artillery gunner",
      "russianName": "номер расчёта артиллерии",
      "occupations": [
        "8342",
        "7233",
        "0310"
      ]
    },
    {
      "code": "artillery-fire-controller",
      "name": "Artillery fire-control specialist",
      "russianName": "вычислитель, артразведчик",
      "occupations": [
        "3119",
        "2165"
      ]
    },
    {
      "code": "rocket-artillery-crew",
      "name": "Multiple rocket launcher crew",
      "russianName": "номер расчёта РСЗО",
      "occupations": [
        "8332",
        "7233"
      ]
    },
    {
      "code": "air-defence-operator",
      "name": "Air-defence systems operator",
      "russianName": "оператор ЗРК",
      "occupations": [
        "3155",
        "3114",
        "7421"
      ]
    },
    {
      "code": "helicopter-pilot",
      "name": "Helicopter pilot",
      "russianName": "лётчик вертолёта",
      "occupations": [
        "3153"
      ]
    },
    {
      "code": "fighter-pilot",
      "name": "Fixed-wing pilot",
      "russianName": "лётчик",
      "occupations": [
        "3153",
        "0110"
      ]
    },
    {
      "code": "navigator",
      "name": "Air navigator",
      "russianName": "штурман",
      "occupations": [
        "3153",
        "3154"
      ]
    },
    {
      "code": "aircraft-technician",
      "name": "Aircraft technician",
      "russianName": "авиатехник",
      "occupations": [
        "7232",
        "3115"
      ]
    },
    {
      "code": "avionics-technician",
      "name": "Avionics technician",
      "russianName": "техник по авиационному оборудованию",
      "occupations": [
        "7421",
        "3114",
        "7232"
      ]
    },
    {
      "code": "air-traffic-controller",
      "name": "Air traffic controller",
      "russianName": "руководитель полётов, диспетчер",
      "occupations": [
        "3154"
      ]
    },
    {
      "code": "ship-engineer",
      "name": "Ship's engineer, motorman",
      "russianName": "моторист, механик корабля",
      "occupations": [
        "3151",
        "8182"
      ]
    },
    {
      "code": "sailor",
      "name": "Sailor, deck crew",
      "russianName": "матрос",
      "occupations": [
        "8350"
      ]
    },
    {
      "code": "navy-diver",
      "name": "Navy diver",
      "russianName": "водолаз",
      "occupations": [
        "7541"
      ]
    },
    {
      "code": "railway-troops",
      "name": "Railway troops specialist",
      "russianName": "военный железнодорожник",
      "occupations": [
        "8311",
        "7126"
      ]
    },
    {
      "code": "firefighter",
      "name": "Military firefighter",
      "russianName": "пожарный",
      "occupations": [
        "5411"
      ]
    },
    {
      "code": "military-police",
      "name": "Military police",
      "russianName": "военная полиция",
      "occupations": [
        "5414",
        "5419"
      ]
    },
    {
      "code": "interpreter",
      "name": "Military interpreter",
      "russianName": "военный переводчик",
      "occupations": [
        "2643"
      ]
    },
    {
      "code": "refrigeration-technician",
      "name": "Refrigeration and HVAC technician",
      "russianName": "техник по холодильному оборудованию",
      "occupations": [
        "7127"
      ]
    },
    {
      "code": "machinist",
      "name": "Machinist, turner",
      "russianName": "токарь, фрезеровщик",
      "occupations": [
        "7223",
        "7233"
      ]
    },
    {
      "code": "welder",
      "name": "Welder",
      "russianName": "сварщик",
      "occupations": [
        "7212"
      ]
    },
    {
      "code": "officer-commander",
      "name": "Platoon or company commander",
      "russianName": "командир взвода или роты",
      "occupations": [
        "0110",
        "3423"
      ]
    },
    {
      "code": "nco-squad-leader",
      "name": "Squad leader (NCO)",
      "russianName": "командир отделения",
      "occupations": [
        "0210",
        "5414"
      ]
    }
  ]
}

"""#,
        "retention.json": #"""
{
 "about": "How long a closed case keeps its personal data. A closed case falls due under the first rule naming its closure reason (refused, excluded, withdrawn, integrated, returned-or-departed, deceased, duplicate), else the rule naming none, so many whole years after it was closed; 'haven retention --dry-run' lists what is due. An on-request rule is never due by itself: it is proposed when the person asks for deletion, and only for the closure reasons it names. Every erasure is proposed by one supervisor or administrator and approved by another. The audit trail keeps its facts (who changed which field of which case, when) for the life of the store, without the values.",
 "rules": [
  {"id": "closed", "title": "Personal data of a closed case", "yearsAfterClosure": 5},
  {"id": "refused-or-excluded", "title": "Refused or excluded (art. 1F): kept for appeals and for inquiries", "closure": ["refused", "excluded"], "yearsAfterClosure": 10},
  {"id": "duplicate", "title": "A duplicate of another case", "closure": ["duplicate"], "yearsAfterClosure": 1},
  {"id": "on-request", "title": "Erased at the person's request (right to deletion); not a refused or excluded case, kept for appeals and inquiries", "closure": ["withdrawn", "integrated", "returned-or-departed", "deceased", "duplicate"], "yearsAfterClosure": 0, "onRequest": true}
 ]
}

"""#,
        "reunification.json": #"""
{
 "about": "Who a defector may bring by default, and the documents each application needs. Relatives not listed are considered case by case: the caseworker records why before an application is filed. Relationships: spouse, partner, son, daughter, mother, father, brother, sister, grandparent, other.",
 "eligible": ["spouse", "partner"],
 "eligibleWhileMinor": ["son", "daughter"],
 "minorAge": 18,
 "documentsForAll": ["Passport or identity document", "Two photographs", "Signed application form"],
 "documentsByRelationship": {
  "spouse": ["Marriage certificate"],
  "partner": ["Proof of the relationship (shared address, children)"],
  "son": ["Birth certificate", "Consent of the other parent"],
  "daughter": ["Birth certificate", "Consent of the other parent"],
  "mother": ["Birth certificate of the defector", "Proof of dependency"],
  "father": ["Birth certificate of the defector", "Proof of dependency"]
 }
}

"""#,
        "stage-targets.json": #"""
{
  "targets": [
    { "stage": "intake", "days": 7 },
    { "stage": "screening", "days": 30 },
    { "stage": "decision", "days": 14 },
    { "stage": "allocation", "days": 14 },
    { "stage": "relocation", "days": 60 },
    { "stage": "integration", "days": 365 }
  ]
}

"""#,
    ]
}
