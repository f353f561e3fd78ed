"""A small place gazetteer: countries, major cities and a few states/regions.

Rows are ``surface forms|country[|state[|city]]`` for countries and nations,
``surface forms|city|state|country`` for cities, ``surface forms|state|country`` for states
(surface forms separated by ``;``, empty = none). Surface forms are
case-sensitive (``US`` the country, not "us"); an ALL-CAPS variant of every name is added.
Names that are ordinary English words or people's names (Reading, Bath, Nice, Georgia,
Jordan, Victoria, Lincoln ...) are left out on purpose.
"""

from __future__ import annotations

from typing import NamedTuple


class Place(NamedTuple):
    city: str | None
    state: str | None
    country: str


_COUNTRIES = """
India|India
United States;United States of America;USA;U.S.A.;US;U.S.|United States
United Kingdom;UK;U.K.;Great Britain;Britain|United Kingdom
England|United Kingdom|England
Scotland|United Kingdom|Scotland
Wales|United Kingdom|Wales
Northern Ireland|United Kingdom|Northern Ireland
Germany;Deutschland|Germany
Canada|Canada
Singapore|Singapore||Singapore
United Arab Emirates;UAE;U.A.E.|United Arab Emirates
Australia|Australia
Netherlands;The Netherlands;Holland|Netherlands
Ireland;Republic of Ireland|Ireland
France|France
Poland|Poland
Spain|Spain
Portugal|Portugal
Italy|Italy
Switzerland|Switzerland
Austria|Austria
Belgium|Belgium
Luxembourg|Luxembourg
Sweden|Sweden
Norway|Norway
Denmark|Denmark
Finland|Finland
Estonia|Estonia
Lithuania|Lithuania
Latvia|Latvia
Czech Republic;Czechia|Czech Republic
Romania|Romania
Hungary|Hungary
Bulgaria|Bulgaria
Greece|Greece
Croatia|Croatia
Serbia|Serbia
Ukraine|Ukraine
Turkey;Türkiye|Turkey
Israel|Israel
Saudi Arabia;KSA|Saudi Arabia
Qatar|Qatar
Kuwait|Kuwait
Bahrain|Bahrain
Oman|Oman
Egypt|Egypt
South Africa|South Africa
Nigeria|Nigeria
Kenya|Kenya
Pakistan|Pakistan
Bangladesh|Bangladesh
Sri Lanka|Sri Lanka
Nepal|Nepal
Japan|Japan
China|China
Hong Kong|Hong Kong||Hong Kong
Taiwan|Taiwan
South Korea;Korea|South Korea
Philippines|Philippines
Vietnam;Viet Nam|Vietnam
Indonesia|Indonesia
Malaysia|Malaysia
Thailand|Thailand
New Zealand|New Zealand
Brazil|Brazil
Mexico|Mexico
Argentina|Argentina
Chile|Chile
Colombia|Colombia
Peru|Peru
Costa Rica|Costa Rica
"""

_CITIES = """
Bengaluru;Bangalore;Bengaluru Urban|Bengaluru|Karnataka|India
Hyderabad;Secunderabad|Hyderabad|Telangana|India
Pune|Pune|Maharashtra|India
Mumbai;Bombay;Navi Mumbai;Thane|Mumbai|Maharashtra|India
Delhi;New Delhi;Delhi NCR;NCR|Delhi|Delhi|India
Gurgaon;Gurugram|Gurugram|Haryana|India
Noida;Greater Noida|Noida|Uttar Pradesh|India
Chennai;Madras|Chennai|Tamil Nadu|India
Kolkata;Calcutta|Kolkata|West Bengal|India
Ahmedabad|Ahmedabad|Gujarat|India
Jaipur|Jaipur|Rajasthan|India
Kochi;Cochin|Kochi|Kerala|India
Thiruvananthapuram;Trivandrum|Thiruvananthapuram|Kerala|India
Coimbatore|Coimbatore|Tamil Nadu|India
Indore|Indore|Madhya Pradesh|India
Chandigarh|Chandigarh|Chandigarh|India
Mohali|Mohali|Punjab|India
Nagpur|Nagpur|Maharashtra|India
Lucknow|Lucknow|Uttar Pradesh|India
Bhubaneswar|Bhubaneswar|Odisha|India
Vadodara|Vadodara|Gujarat|India
Visakhapatnam;Vizag|Visakhapatnam|Andhra Pradesh|India
Mysuru;Mysore|Mysuru|Karnataka|India
Mangaluru;Mangalore|Mangaluru|Karnataka|India
New York City;New York;NYC|New York|New York|United States
San Francisco;SF Bay Area;Bay Area|San Francisco|California|United States
Seattle|Seattle|Washington|United States
Redmond|Redmond|Washington|United States
Austin|Austin|Texas|United States
Dallas|Dallas|Texas|United States
Houston|Houston|Texas|United States
Boston|Boston|Massachusetts|United States
Chicago|Chicago|Illinois|United States
Los Angeles|Los Angeles|California|United States
San Jose|San Jose|California|United States
San Diego|San Diego|California|United States
Palo Alto|Palo Alto|California|United States
Mountain View|Mountain View|California|United States
Sunnyvale|Sunnyvale|California|United States
Menlo Park|Menlo Park|California|United States
Cupertino|Cupertino|California|United States
Irvine|Irvine|California|United States
Denver|Denver|Colorado|United States
Atlanta|Atlanta|Georgia|United States
Washington DC;Washington, DC;Washington D.C.|Washington|District of Columbia|United States
Miami|Miami|Florida|United States
Philadelphia|Philadelphia|Pennsylvania|United States
Pittsburgh|Pittsburgh|Pennsylvania|United States
Phoenix|Phoenix|Arizona|United States
Raleigh|Raleigh|North Carolina|United States
Salt Lake City|Salt Lake City|Utah|United States
Minneapolis|Minneapolis|Minnesota|United States
Detroit|Detroit|Michigan|United States
Nashville|Nashville|Tennessee|United States
London|London|England|United Kingdom
Manchester|Manchester|England|United Kingdom
Birmingham|Birmingham|England|United Kingdom
Leeds|Leeds|England|United Kingdom
Liverpool|Liverpool|England|United Kingdom
Bristol|Bristol|England|United Kingdom
Sheffield|Sheffield|England|United Kingdom
Newcastle;Newcastle upon Tyne|Newcastle upon Tyne|England|United Kingdom
Nottingham|Nottingham|England|United Kingdom
Leicester|Leicester|England|United Kingdom
Cambridge|Cambridge|England|United Kingdom
Oxford|Oxford|England|United Kingdom
Brighton|Brighton|England|United Kingdom
Southampton|Southampton|England|United Kingdom
Portsmouth|Portsmouth|England|United Kingdom
Coventry|Coventry|England|United Kingdom
Milton Keynes|Milton Keynes|England|United Kingdom
York|York|England|United Kingdom
Preston|Preston|England|United Kingdom
Plymouth|Plymouth|England|United Kingdom
Norwich|Norwich|England|United Kingdom
Exeter|Exeter|England|United Kingdom
Bradford|Bradford|England|United Kingdom
Wolverhampton|Wolverhampton|England|United Kingdom
Stoke-on-Trent|Stoke-on-Trent|England|United Kingdom
Sunderland|Sunderland|England|United Kingdom
Middlesbrough|Middlesbrough|England|United Kingdom
Bournemouth|Bournemouth|England|United Kingdom
Peterborough|Peterborough|England|United Kingdom
Ipswich|Ipswich|England|United Kingdom
Gloucester|Gloucester|England|United Kingdom
Worcester|Worcester|England|United Kingdom
Northampton|Northampton|England|United Kingdom
Doncaster|Doncaster|England|United Kingdom
Huddersfield|Huddersfield|England|United Kingdom
Blackpool|Blackpool|England|United Kingdom
Swindon|Swindon|England|United Kingdom
Luton|Luton|England|United Kingdom
Chelmsford|Chelmsford|England|United Kingdom
Colchester|Colchester|England|United Kingdom
Canterbury|Canterbury|England|United Kingdom
Basingstoke|Basingstoke|England|United Kingdom
Guildford|Guildford|England|United Kingdom
Edinburgh|Edinburgh|Scotland|United Kingdom
Glasgow|Glasgow|Scotland|United Kingdom
Aberdeen|Aberdeen|Scotland|United Kingdom
Dundee|Dundee|Scotland|United Kingdom
Cardiff|Cardiff|Wales|United Kingdom
Swansea|Swansea|Wales|United Kingdom
Belfast|Belfast|Northern Ireland|United Kingdom
Berlin|Berlin|Berlin|Germany
Munich;München|Munich|Bavaria|Germany
Hamburg|Hamburg|Hamburg|Germany
Frankfurt;Frankfurt am Main|Frankfurt|Hesse|Germany
Cologne;Köln|Cologne|North Rhine-Westphalia|Germany
Düsseldorf;Dusseldorf|Düsseldorf|North Rhine-Westphalia|Germany
Stuttgart|Stuttgart|Baden-Württemberg|Germany
Leipzig|Leipzig|Saxony|Germany
Toronto|Toronto|Ontario|Canada
Ottawa|Ottawa|Ontario|Canada
Vancouver|Vancouver|British Columbia|Canada
Montreal;Montréal|Montreal|Quebec|Canada
Calgary|Calgary|Alberta|Canada
Dubai|Dubai|Dubai|United Arab Emirates
Abu Dhabi|Abu Dhabi|Abu Dhabi|United Arab Emirates
Sydney|Sydney|New South Wales|Australia
Melbourne|Melbourne|Victoria|Australia
Brisbane|Brisbane|Queensland|Australia
Amsterdam|Amsterdam|North Holland|Netherlands
Rotterdam|Rotterdam|South Holland|Netherlands
Eindhoven|Eindhoven|North Brabant|Netherlands
Utrecht|Utrecht|Utrecht|Netherlands
Dublin|Dublin||Ireland
Cork|Cork||Ireland
Paris|Paris|Île-de-France|France
Lyon|Lyon||France
Warsaw;Warszawa|Warsaw||Poland
Kraków;Krakow;Cracow|Kraków||Poland
Wrocław;Wroclaw|Wrocław||Poland
Gdańsk;Gdansk|Gdańsk||Poland
Madrid|Madrid||Spain
Barcelona|Barcelona|Catalonia|Spain
Lisbon;Lisboa|Lisbon||Portugal
Milan;Milano|Milan||Italy
Rome;Roma|Rome||Italy
Zurich;Zürich|Zurich||Switzerland
Geneva|Geneva||Switzerland
Vienna|Vienna||Austria
Brussels|Brussels||Belgium
Stockholm|Stockholm||Sweden
Copenhagen|Copenhagen||Denmark
Oslo|Oslo||Norway
Helsinki|Helsinki||Finland
Tallinn|Tallinn||Estonia
Prague|Prague||Czech Republic
Budapest|Budapest||Hungary
Bucharest|Bucharest||Romania
Kyiv;Kiev|Kyiv||Ukraine
Istanbul|Istanbul||Turkey
Tel Aviv|Tel Aviv||Israel
Riyadh|Riyadh||Saudi Arabia
Doha|Doha||Qatar
Cairo|Cairo||Egypt
Nairobi|Nairobi||Kenya
Lagos|Lagos||Nigeria
Cape Town|Cape Town||South Africa
Johannesburg|Johannesburg||South Africa
Karachi|Karachi||Pakistan
Lahore|Lahore||Pakistan
Islamabad|Islamabad||Pakistan
Dhaka|Dhaka||Bangladesh
Colombo|Colombo||Sri Lanka
Tokyo|Tokyo||Japan
Seoul|Seoul||South Korea
Shanghai|Shanghai||China
Beijing|Beijing||China
Shenzhen|Shenzhen||China
Taipei|Taipei||Taiwan
Manila|Manila||Philippines
Jakarta|Jakarta||Indonesia
Kuala Lumpur|Kuala Lumpur||Malaysia
Bangkok|Bangkok||Thailand
Ho Chi Minh City|Ho Chi Minh City||Vietnam
Auckland|Auckland||New Zealand
São Paulo;Sao Paulo|São Paulo||Brazil
Mexico City|Mexico City||Mexico
Buenos Aires|Buenos Aires||Argentina
"""

_STATES = """
California|California|United States
Texas|Texas|United States
Florida|Florida|United States
Massachusetts|Massachusetts|United States
Illinois|Illinois|United States
Colorado|Colorado|United States
Arizona|Arizona|United States
Oregon|Oregon|United States
Ohio|Ohio|United States
Michigan|Michigan|United States
Pennsylvania|Pennsylvania|United States
New Jersey|New Jersey|United States
Virginia|Virginia|United States
North Carolina|North Carolina|United States
Utah|Utah|United States
Minnesota|Minnesota|United States
Tennessee|Tennessee|United States
Maryland|Maryland|United States
Karnataka|Karnataka|India
Maharashtra|Maharashtra|India
Telangana|Telangana|India
Tamil Nadu|Tamil Nadu|India
Kerala|Kerala|India
Gujarat|Gujarat|India
Rajasthan|Rajasthan|India
Haryana|Haryana|India
Uttar Pradesh|Uttar Pradesh|India
West Bengal|West Bengal|India
Andhra Pradesh|Andhra Pradesh|India
Odisha|Odisha|India
Ontario|Ontario|Canada
British Columbia|British Columbia|Canada
Quebec;Québec|Quebec|Canada
Alberta|Alberta|Canada
New South Wales;NSW|New South Wales|Australia
Queensland|Queensland|Australia
Bavaria;Bayern|Bavaria|Germany
"""


def _rows(block: str) -> list[list[str]]:
    return [line.split("|") for line in block.strip().splitlines()]


def _surfaces(names: str) -> list[str]:
    out: list[str] = []
    for name in names.split(";"):
        out.append(name)
        if name.upper() != name and len(name) > 3:
            out.append(name.upper())
    return out


def build_gazetteer() -> dict[str, Place]:
    """Surface form -> place, for every country, city and state above."""
    places: dict[str, Place] = {}
    for names, country, *rest in _rows(_COUNTRIES):
        state = rest[0] if rest else ""
        city = rest[1] if len(rest) > 1 else ""
        place = Place(city or None, state or None, country)
        for surface in _surfaces(names):
            places[surface] = place
    for names, city, state, country in _rows(_CITIES):
        for surface in _surfaces(names):
            places[surface] = Place(city, state or None, country)
    for names, state, country in _rows(_STATES):
        for surface in _surfaces(names):
            places.setdefault(surface, Place(None, state, country))
    return places
