"""The names ACLED gives countries and territories (its ``country`` column), for telling
a state in an actor's name ("Protesters (Armenia)") from anything else in parentheses
("Militia (Pro-Government)", "Rioters (Students)")."""

from __future__ import annotations

COUNTRIES = frozenset(
    """
Afghanistan|Akrotiri and Dhekelia|Aland Islands|Albania|Algeria|American Samoa|Andorra|
Angola|Anguilla|Antarctica|Antigua and Barbuda|Argentina|Armenia|Aruba|Australia|Austria|
Azerbaijan|Bahamas|Bahrain|Bailiwick of Guernsey|Bailiwick of Jersey|Bangladesh|Barbados|
Belarus|Belgium|Belize|Benin|Bermuda|Bhutan|Bolivia|Bonaire, Saint Eustatius and Saba|
Bosnia and Herzegovina|Botswana|Bouvet Island|Brazil|British Indian Ocean Territory|
British Virgin Islands|Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|Cameroon|Canada|
Cape Verde|Caribbean Netherlands|Cayman Islands|Central African Republic|Chad|Chile|
China|Christmas Island|Cocos (Keeling) Islands|Colombia|Comoros|Cook Islands|Costa Rica|
Croatia|Cuba|Curacao|Cyprus|Czech Republic|Czechia|Democratic Republic of Congo|
Democratic Republic of the Congo|Denmark|Djibouti|Dominica|Dominican Republic|
East Timor|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|eSwatini|Eswatini|
Ethiopia|Falkland Islands|Faroe Islands|Fiji|Finland|France|French Guiana|
French Polynesia|French Southern and Antarctic Lands|Gabon|Gambia|Georgia|Germany|
Ghana|Gibraltar|Greece|Greenland|Grenada|Guadeloupe|Guam|Guatemala|Guernsey|Guinea|
Guinea-Bissau|Guyana|Haiti|Heard Island and McDonald Islands|Honduras|Hong Kong|Hungary|
Iceland|India|Indonesia|Iran|Iraq|Ireland|Isle of Man|Israel|Italy|Ivory Coast|
Cote d'Ivoire|Jamaica|Japan|Jersey|Jordan|Kazakhstan|Kenya|Kiribati|Kosovo|Kuwait|
Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|
Macau|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|Marshall Islands|Martinique|
Mauritania|Mauritius|Mayotte|Mexico|Micronesia|Moldova|Monaco|Mongolia|Montenegro|
Montserrat|Morocco|Mozambique|Myanmar|Burma|Namibia|Nauru|Nepal|Netherlands|
New Caledonia|New Zealand|Nicaragua|Niger|Nigeria|Niue|Norfolk Island|North Korea|
North Macedonia|Macedonia|Northern Mariana Islands|Norway|Oman|Pakistan|Palau|Palestine|
Panama|Papua New Guinea|Paraguay|Peru|Philippines|Pitcairn|Poland|Portugal|Puerto Rico|
Qatar|Republic of Congo|Republic of the Congo|Reunion|Romania|Russia|Rwanda|
Saint Barthelemy|Saint Helena, Ascension and Tristan da Cunha|Saint Kitts and Nevis|
Saint Lucia|Saint Martin|Saint Pierre and Miquelon|Saint Vincent and the Grenadines|
Saint-Martin|Samoa|San Marino|Sao Tome and Principe|Saudi Arabia|Senegal|Serbia|
Seychelles|Sierra Leone|Singapore|Sint Maarten|Slovakia|Slovenia|Solomon Islands|Somalia|
South Africa|South Georgia and the South Sandwich Islands|South Korea|South Sudan|Spain|
Sri Lanka|Sudan|Suriname|Svalbard and Jan Mayen|Swaziland|Sweden|Switzerland|Syria|
Taiwan|Tajikistan|Tanzania|Thailand|Timor-Leste|Togo|Tokelau|Tonga|Trinidad and Tobago|
Tunisia|Turkey|Turkiye|Turkmenistan|Turks and Caicos Islands|Tuvalu|Uganda|Ukraine|
United Arab Emirates|United Kingdom|United States|United States of America|
United States Minor Outlying Islands|Uruguay|Uzbekistan|Vanuatu|Vatican City|Venezuela|
Vietnam|Virgin Islands, U.S.|Wallis and Futuna|Western Sahara|Yemen|Zambia|Zimbabwe|
Abkhazia|South Ossetia|Northern Cyprus|Transnistria|Somaliland|Nagorno-Karabakh|Artsakh|
Soviet Union|Yugoslavia|Czechoslovakia|Sudan and South Sudan
""".replace("\n", "")
    .lower()
    .split("|")
)


def is_country(name: str) -> bool:
    """Whether ``name`` is a country or territory ACLED names (any case)."""
    return name.strip().lower() in COUNTRIES
