"""Free-text banks for the synthetic sample study, and the composers that turn them into answers.

Every sentence here is newly written for surveykit (none is taken from the study's narrative). They
are written in the voices of the survey's respondents (social workers, police officers, lawyers, NGO
and health staff), in UK spelling, with the typos, lower-case typing and terse notes real exports have.

q7 (why children go missing) is composed from per-code sentence and phrase banks so that, between
them, the answers mention every code of the missing-reasons codebook many times in varied wording;
some answers carry negated mentions that must not be coded, and some fit no code at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    import numpy as np

# --- profile ----------------------------------------------------------------------------------------------

REGION_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("London", 0.27), ("South East", 0.12), ("North West", 0.10), ("West Midlands", 0.09),
    ("Yorkshire and the Humber", 0.07), ("East of England", 0.06), ("South West", 0.05),
    ("East Midlands", 0.05), ("North East", 0.04), ("Scotland", 0.07), ("Wales", 0.05),
    ("Northern Ireland", 0.03),
)

ROLES: dict[str, tuple[str, ...]] = {
    "local_authority": (
        "Social worker", "Senior social worker", "Team manager, children in care", "Social Worker - UASC team",
        "Independent reviewing officer", "Leaving care personal adviser", "Missing children coordinator",
        "Child sexual exploitation and missing lead", "Service manager, looked after children",
        "Residential children's home manager", "Residential support worker", "Fostering supervising social worker",
        "Assistant team manager (asylum seeking children)", "Principal social worker", "Return home interview worker",
        "Safeguarding manager", "LADO", "Head of children's services", "Youth worker, local authority",
        "Practice manager", "social worker", "Family support worker", "Placements officer",
        "Exploitation and missing co-ordinator", "Senior practitioner", "Looked after children nurse (LA funded)",
    ),
    "criminal_justice": (
        "Police officer", "Detective Constable", "Detective Sergeant, Modern Slavery Unit", "Missing persons coordinator",
        "PC - missing persons unit", "Police Sergeant", "Detective Inspector", "Youth offending team officer",
        "YOT case manager", "Police staff investigator", "Probation officer", "CSE and missing co-ordinator (police)",
        "Neighbourhood officer", "Custody sergeant", "Police safeguarding hub officer", "DC, public protection",
        "Crown Prosecution Service lawyer", "Intelligence analyst", "Border policing officer", "police officer",
    ),
    "ngo": (
        "Project worker", "Caseworker", "Advocate", "Independent child trafficking advocate", "Support worker",
        "Service manager", "Youth worker", "Policy officer", "Children's rights officer", "Project coordinator",
        "Outreach worker", "Refugee support worker", "Frontline practitioner", "Programme manager",
        "Helpline adviser", "Senior caseworker", "Volunteer coordinator", "Trainer", "Director", "project worker",
    ),
    "legal": (
        "Solicitor", "Immigration solicitor", "Barrister", "Legal adviser", "Caseworker (immigration)",
        "Trainee solicitor", "Public law solicitor", "Senior immigration caseworker", "Paralegal",
    ),
    "health": (
        "Named nurse for looked after children", "School nurse", "CAMHS clinician", "Safeguarding nurse",
        "Paediatrician", "Health visitor", "Clinical psychologist", "Designated doctor",
    ),
    "immigration": (
        "Immigration officer", "Home Office caseworker", "Senior caseworker", "Border Force officer",
        "Asylum decision maker", "Safeguarding lead, immigration", "Chief immigration officer",
    ),
    "education": (
        "Designated safeguarding lead", "Teacher", "EAL coordinator", "Virtual school head",
        "College welfare officer", "Head of year", "Pastoral lead", "ESOL tutor",
    ),
    "community_faith": (
        "Volunteer", "Community leader", "Parish worker", "Youth leader", "Imam", "Community development worker",
        "Befriender",
    ),
    "other": (
        "Researcher", "Independent consultant", "Interpreter", "Foster carer", "Trustee", "Housing officer",
        "Lecturer", "Commissioner", "Inspector", "Guardian (private fostering)", "Housing support officer",
    ),
}

SECTOR_OTHER: tuple[str, ...] = (
    "Independent fostering agency", "University", "Housing association", "Interpreting service",
    "Inspectorate", "Private residential provider", "Independent consultant", "Research",
    "Commissioning", "Supported accommodation provider", "Freelance trainer", "Safeguarding board",
    "Foster carer", "Local safeguarding children board", "Housing",
)

# --- q7: reasons for going missing (codebook of DESIGN.md §5) ---------------------------------------------------
# code -> (sentences, short phrases)

Q7_CODES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "trafficker_control": (
        (
            "Traffickers still have a hold over them and often know exactly where they have been placed.",
            "They are contacted by the people who brought them here, usually on a phone we didn't know they had.",
            "The exploiters keep grooming them with food, trainers and phone credit until the child feels they owe them.",
            "Threats against their family back home are a big one - they're told their mum or siblings will be hurt.",
            "Older lads turn up outside the home and the young person is gone within the hour.",
            "The gangs recruit them straight back, sometimes through other kids living in the same unit.",
            "They were under the control of the network long before they reached us and that doesn't stop because they're in care.",
            "Fear of what the traffickers will do to them if they stay and talk to us.",
            "Oaths sworn before they left home mean the girls feel bound to the people who brought them over.",
            "Somebody is always ringing them, and after a call they are suddenly desperate to go out.",
        ),
        (
            "traffickers still in control", "contact from traffickers", "threats to family at home",
            "grooming by exploiters", "pressure from the gang", "still controlled by the network",
            "being called by the people who brought them",
        ),
    ),
    "re_trafficking": (
        (
            "Many end up back in the same exploitation they were found in, nail bars, cannabis farms, brothels.",
            "We have had children re-trafficked within days of being placed.",
            "They return to the exploiters because that is the only life they know.",
            "Some are moved on to other cities and exploited again; we only find out when another force picks them up.",
            "The biggest risk is that they are re-trafficked, and that is exactly what happened in two of our cases last year.",
            "Going back to the traffickers was often the plan from the start.",
            "Within weeks a few were found working again in the same kind of place they'd been taken from.",
        ),
        (
            "re-trafficking", "going back into exploitation", "taken back by the people who exploited them",
            "re trafficked", "returning to exploiters",
        ),
    ),
    "debt_bondage": (
        (
            "They believe they owe thousands to the people who paid for their journey and have to work it off.",
            "Debt bondage - the smuggling fee has to be paid back and the family at home is pressured too.",
            "Money is owed to the agents, so they go back to work in car washes or restaurants to pay it.",
            "There is pressure to send money home or to clear what they owe for the journey.",
            "A lot of the Vietnamese boys talk about a debt that keeps growing however much they work.",
            "Paying back the smugglers is their priority, not school and not the placement.",
            "The family mortgaged land to pay for the trip, so the child feels responsible for the debt.",
        ),
        (
            "debt bondage", "owing money for the journey", "debts to smugglers", "paying off a debt",
            "pressure to repay the agent", "money owed",
        ),
    ),
    "not_identified": (
        (
            "They are not recognised as trafficked in the first place, so nobody puts proper protection around them.",
            "Often no NRM referral has been made and the child is treated as just another runaway.",
            "Professionals don't spot the indicators and the child is never identified as a victim.",
            "Without being identified as a victim of trafficking they get the standard missing response, which is nowhere near enough.",
            "Nobody referred them into the NRM, so there was no plan in place when they vanished.",
            "Identification at first contact is poor, especially at ports and in police stations.",
            "Frontline staff still miss the signs and the child falls through the gaps.",
            "Half the time the trafficking isn't identified until after the child has already gone.",
        ),
        (
            "not identified as trafficked", "no NRM referral", "lack of identification", "not recognised as victims",
            "missed indicators", "not referred to NRM",
        ),
    ),
    "not_believed": (
        (
            "Their story is not believed and they pick up on that very quickly.",
            "There is a culture of disbelief, from some social workers and from immigration officials.",
            "Being treated as a liar when they finally disclose what happened to them.",
            "Children tell us nobody believes them, so what is the point of staying.",
            "Their account gets picked apart for inconsistencies and they feel accused of making it up.",
            "Professionals too often assume they are lying about their age and their history.",
            "When they're disbelieved by the very people meant to help, they give up on us.",
        ),
        (
            "not being believed", "culture of disbelief", "account doubted", "treated as liars", "disbelief",
        ),
    ),
    "age_assessment": (
        (
            "Fear of the age assessment - they have heard from others that they may be declared adults.",
            "Age disputes are a real trigger; once told they will be assessed, some disappear the same week.",
            "Being treated as an adult after an age assessment and moved into adult accommodation.",
            "They worry about being assessed as over 18 and losing all their support.",
            "Age assessments are stressful and feel like an interrogation to them.",
            "A couple ran when the age dispute went against them.",
            "If they are age disputed they know they could end up in an adult hostel or detention.",
        ),
        (
            "age assessment", "age disputes", "fear of being assessed as an adult", "age assesment worries",
            "treated as adults",
        ),
    ),
    "immigration": (
        (
            "Fear of deportation; they are terrified of being sent back.",
            "Uncertain immigration status and long waits for a Home Office decision.",
            "As they approach 18 and their leave runs out they drop off the radar.",
            "Asylum refusals - we see missing episodes right after a refusal letter arrives.",
            "They worry about removal to their home country or to another European country.",
            "The asylum process drags on for years and they lose hope.",
            "Immigration concerns above all, many believe they will be detained and removed.",
            "Fear of being sent back under Dublin to the first country they were fingerprinted in.",
        ),
        (
            "fear of removal", "immigration status", "asylum worries", "fear of deportation",
            "waiting on Home Office decisions", "asylum refusal",
        ),
    ),
    "criminalisation": (
        (
            "Fear of being arrested for the cannabis farm they were found in.",
            "They are treated as offenders rather than victims and worry about prosecution.",
            "Being charged for things they were forced to do makes them trust us even less, and they run.",
            "Some get labelled as absconders and it becomes a police matter rather than a safeguarding one.",
            "Facing criminal charges, for example for county lines, they would rather disappear than go to court.",
            "The threat of prosecution for using false documents.",
            "They have been told by their exploiters that the police will lock them up, and after an arrest they believe it.",
        ),
        (
            "fear of arrest", "fear of prosecution", "being criminalised", "treated as criminals",
            "labelled absconders",
        ),
    ),
    "release_detention_custody": (
        (
            "A lot go missing on release from police custody, when nobody is there to pick them up.",
            "Released from immigration detention with no plan, and they are gone the same day.",
            "Coming out of a YOI with nowhere safe to go.",
            "When they are bailed late at night and simply released onto the street.",
            "Straight after release from a detention centre - the traffickers seem to know when and where.",
            "On release from prison they are met at the gate by the people who exploited them.",
        ),
        (
            "release from custody", "leaving detention", "release from the police station", "on release from a YOI",
            "release from immigration detention",
        ),
    ),
    "stressful_procedures": (
        (
            "Repeated interviews by police, social workers and the Home Office - telling the story again and again.",
            "The number of professionals asking them the same questions is overwhelming.",
            "Endless questioning and official meetings make them feel like suspects.",
            "The asylum interview and all the other processes are very stressful for them.",
            "Too many interviews, too many forms, too many strangers.",
            "Being questioned over and over by officials re-traumatises them.",
        ),
        (
            "repeated interviews", "constant questioning", "stressful processes", "too many interviews",
            "being interviewed again and again",
        ),
    ),
    "poor_protection": (
        (
            "No proper safety plan is put in place when they arrive.",
            "Risk assessments are not done, or are done far too late.",
            "Protective measures are weak; staff are told they can't restrict them.",
            "There is nothing in place to protect them in the first 72 hours, which is when most go.",
            "No safety planning, and nobody checks who is contacting them.",
            "Protection measures vary hugely from one authority to the next.",
        ),
        (
            "no safety plan", "poor protection measures", "no risk assessment", "lack of protection",
            "inadequate safeguarding plans",
        ),
    ),
    "lack_specialist_support": (
        (
            "There is no specialist support; carers and staff are not trauma informed.",
            "Therapeutic support and CAMHS are almost impossible to access for this group.",
            "There is a lack of trafficking-aware services in our area.",
            "Mental health support is lacking and waiting lists are months long.",
            "They need specialist services that understand trafficking, and they don't get them.",
            "Nobody with specialist knowledge works with them directly.",
        ),
        (
            "lack of specialist support", "no therapeutic support", "no trauma informed care",
            "no access to mental health services", "no specialist services",
        ),
    ),
    "lack_advocacy": (
        (
            "There is no independent advocate or guardian who sticks with them.",
            "They don't have one trusted adult who stays the same - workers keep changing.",
            "Without a guardian nobody speaks up for them in meetings.",
            "Constant changes of social worker, no continuity at all.",
            "They lack an advocate who is on their side and explains what is going on.",
            "Independent guardianship is what's missing, something like the Scottish guardianship service.",
        ),
        (
            "lack of advocacy", "no independent guardian", "no consistent trusted adult",
            "changes of social worker", "no advocate",
        ),
    ),
    "unsuitable_placement": (
        (
            "Placed in B&Bs or hostels alongside adults, which is completely unsuitable.",
            "Semi-independent accommodation at 16 with very little supervision.",
            "Foster carers who have had no training at all on trafficking.",
            "Placements break down and they are moved again and again.",
            "Being placed miles away from anyone they know in an out of area placement.",
            "Unsuitable placements - often wherever there is a bed rather than what meets their needs.",
            "Supported lodgings where staff only visit a couple of times a week.",
        ),
        (
            "unsuitable placements", "B&B placements", "placement breakdown", "hostels", "untrained carers",
            "semi independent accomodation",
        ),
    ),
    "lack_of_trust": (
        (
            "They don't trust adults, and why would they after what has happened to them.",
            "Distrust of the police and authorities in general, often from experiences back home.",
            "Information they share ends up being passed on and they feel betrayed.",
            "Traffickers tell them not to trust social workers, and it works.",
            "Breaches of confidentiality make them feel unsafe.",
            "A basic lack of trust in professionals.",
        ),
        (
            "no trust in professionals", "distrust of authorities", "lack of trust", "suspicion of police",
            "mistrust of adults",
        ),
    ),
    "isolation": (
        (
            "They feel isolated; no one speaks their language in the placement.",
            "Boredom - nothing to do all day while they wait for a school place or a decision.",
            "Loneliness and no friends, so the people who offer friendship are the exploiters.",
            "Their cultural and religious needs are not met: wrong food, no mosque or church nearby.",
            "They just don't feel they belong anywhere.",
            "Isolation in rural placements with nobody else from their own country.",
        ),
        (
            "isolation", "loneliness", "boredom", "no friends", "cultural needs not met", "not belonging",
        ),
    ),
    "lack_of_control": (
        (
            "They have no say in where they live or what happens next.",
            "Decisions are made about them rather than with them.",
            "Having no control over their own money or life is very hard after making such a journey alone.",
            "Placement rules feel like prison to young people who have been independent for years.",
            "Feeling completely powerless in the system.",
            "Nobody asks them what they want, they are just told.",
        ),
        (
            "no choice", "no control over own life", "no say in placement", "powerlessness",
            "no say over their money",
        ),
    ),
    "family_reunification": (
        (
            "Many want to reach family or relatives in other parts of the UK or in Europe.",
            "They go to join their community in another city - cousins, uncles, people from the same village.",
            "A brother or uncle in Birmingham or London who they want to live with.",
            "Trying to get to family in France or Germany.",
            "They leave to be with people from their own community.",
            "Some have been told a relative is waiting for them somewhere else in the country.",
        ),
        (
            "going to family", "joining relatives", "family reunification", "to be with their community",
            "reuniting with family elsewhere",
        ),
    ),
    "personal_problems": (
        (
            "Trauma, depression, nightmares, some self harm.",
            "Unhappiness; they are very low and going missing is a way of coping.",
            "Mental health difficulties and PTSD that nobody has picked up.",
            "Suicidal thoughts in some of the older girls we work with.",
            "Emotional distress after everything they have been through.",
            "Some are just deeply unhappy and homesick.",
        ),
        (
            "depression", "trauma", "self-harm", "being unhappy", "mental health problems", "suicidal feelings",
        ),
    ),
    "school_problems": (
        (
            "No school or college place for months.",
            "Bullying at school, including racist comments.",
            "Peer pressure from other young people in the placement to go out.",
            "Waiting for a college place with nothing to fill the day.",
            "Problems at school, being put in classes far below their level.",
            "Being bullied by other pupils about their accent and their clothes.",
        ),
        (
            "no college place", "bullying", "peer pressure", "no education", "problems at school",
        ),
    ),
    "forced_to_leave": (
        (
            "Some are effectively thrown out of their placement after an incident.",
            "Evicted from their accommodation on their 18th birthday.",
            "Told to leave by the family they were staying with.",
            "Kicked out of a private fostering arrangement.",
            "A few were simply asked to leave and nobody followed it up.",
            "Thrown out by relatives who had agreed to look after them.",
        ),
        (
            "thrown out", "forced to leave", "evicted", "asked to leave placement", "kicked out",
        ),
    ),
}

# Mentions of a reason that say it did NOT apply: a coder must not count them.
Q7_NEGATED: tuple[str, ...] = (
    "She was believed by the police from the start, so that wasn't the issue.",
    "No debt involved as far as we know.",
    "Age assessment was not a factor in our cases.",
    "It wasn't about immigration status, he already had refugee status.",
    "We've never had a child go missing on release from custody.",
    "The placement itself was good, not the problem at all.",
    "I don't think bullying at school played any part.",
    "Not family reunification in any case I've seen.",
    "There was no sign the traffickers were still in contact.",
    "None were criminalised that I'm aware of.",
    "It wasn't a lack of advocacy - she had a brilliant advocate.",
)

# Answers that fit no code of the codebook.
Q7_UNCODED: tuple[str, ...] = (
    "hard to say, every case is different",
    "Don't know.",
    "I haven't worked with enough cases to say.",
    "Varies massively.",
    "N/A",
    "See previous answer.",
    "Not in my current role.",
    "Too many reasons to list here.",
    "It depends on the child.",
    "I would rather not generalise from a handful of cases.",
    "Same as above really",
    "Unclear - we rarely find out why once they are found.",
    "Most of ours are found within a day or two.",
    "Mixture of things.",
    "Would need to check with colleagues.",
    "?",
    "The reasons are complex and usually inter-related.",
    "not sure",
    "We don't get told the outcome, so I couldn't say.",
    "Our numbers are too small to draw conclusions.",
    "as per my earlier comments",
    "Difficult to answer in a box like this.",
)

Q7_OPENERS: tuple[str, ...] = (
    "There are lots of reasons.", "Several things, in my view.", "From the cases I've dealt with:",
    "In my experience it is usually a combination.", "Where to start.", "A few come to mind.",
    "Mostly the following.", "Off the top of my head:",
    "Based on the young people we support:", "Honestly?",
)
# Openers in a sector's own voice (added to a few answers of respondents from that sector).
SECTOR_OPENERS: dict[str, tuple[str, ...]] = {
    "criminal_justice": ("From a policing point of view:", "As an officer I see this a lot.", "From the custody side:"),
    "legal": ("From the legal side:", "Speaking as their solicitor,"),
    "local_authority": ("In our children's services team we see this:", "As a social worker:"),
    "ngo": ("From our casework:", "The young people we support tell us this:"),
    "health": ("From a health perspective:",),
}

Q7_CLOSERS: tuple[str, ...] = (
    "Every case is different though.", "It's rarely just one thing.",
    "This is based on about ten cases over three years.", "We raise this at every strategy meeting.",
    "It is getting worse, not better.", "Hope that helps.", "Happy to discuss further.",
    "I could say a lot more about this.", "Sadly we see this again and again.",
)
Q7_LIST_LEADS: tuple[str, ...] = ("", "", "", "Mainly ", "Main reasons: ", "mostly ", "In short - ", "Top of the list: ")

TYPOS: dict[str, str] = {
    "traffickers": "trafficers", "trafficked": "traficked", "accommodation": "accomodation",
    "believed": "beleived", "believes": "beleives", "separate": "seperate", "because": "becuase",
    "their": "thier", "assessment": "assesment", "placement": "placment", "immediately": "immediatly",
    "professionals": "proffesionals", "which": "wich", "received": "recieved", "definitely": "definately",
    "exploitation": "exploitaton", "independent": "independant", "referral": "referal",
}


# --- other free-text questions ---------------------------------------------------------------------------------
# Each bank holds complete answers; some answers are composed from two entries of the same bank.

# A bank is a tuple of answers, or (for explanations of a yes / no / don't know question) a mapping from that
# answer's code to the answers that fit it, so that explanations agree with the closed answer given.
BANKS: dict[str, tuple[str, ...] | dict[str, tuple[str, ...]]] = {
    "q2": {
        "1": (
            "Vietnamese children in our area go missing quickly and are rarely found.",
            "Albanian young people tend to go missing for longer and often turn up in another part of the country.",
            "Nigerian girls are the group we are most worried about; many vanish within days of arrival.",
            "Eritrean children often leave to head north, to Calais or to relatives.",
            "Children from communities with an established network in the UK are harder to find once missing.",
            "Some nationalities are trafficked for specific work - nail bars, cannabis - so the routes back into exploitation are well established.",
            "Chinese young people in my experience disappear and are almost never located.",
            "the vietnamese boys go fast, sometimes within 48 hrs",
            "Nationality matters because of language: where we have no interpreter the child is more isolated and more likely to go.",
            "British children are usually found quicker because they have links locally.",
            "Afghan boys often go to family or community elsewhere and are found in London.",
            "Yes - particularly where the country of origin has a large diaspora here that the traffickers use.",
            "There's a link but it's mixed up with age and gender, hard to separate out.",
            "Romanian children tend to return, sometimes with adults who claim to be family.",
            "Certain nationalities are definitely over-represented in our missing figures.",
            "Yes. Vietnamese and Chinese children are the least likely to be found, in our experience.",
            "We see West African girls go missing early, often before the first review.",
            "Albanian lads usually come back, but by then they are working for someone.",
        ),
        "0": (
            "I've seen no real pattern by nationality.",
            "It is less about nationality and more about who controls them.",
            "Not in my experience - the individual circumstances matter far more.",
            "No. The risk factors look the same whatever the nationality.",
            "Any child can be trafficked; nationality isn't what drives the missing.",
            "Not that I've noticed.",
            "We treat each child individually, and I wouldn't want to stereotype by nationality.",
            "No, it's the level of control and the debt that decide it, not where they come from.",
            "no link in the cases I've had",
        ),
        "DK": (
            "Not enough cases to comment.",
            "Hard to generalise from our numbers.",
            "We don't hold the data to say either way.",
            "Possibly, but I'd want to see figures before saying so.",
            "Unsure - I've only worked with a few trafficked children.",
        ),
    },
    "q4": {
        "1": (
            "Afghan and Eritrean young people often move on to family in other cities.",
            "Vietnamese separated children go missing quickest, in my experience.",
            "Albanian boys tend to be found, but often a long way away.",
            "Sudanese children are sometimes trying to get on to another country.",
            "Those with large communities here are more likely to go, and less likely to be found.",
            "Kurdish boys usually turn up with relatives within a week or two.",
            "Only anecdotal, but the ones from Vietnam are the ones we never see again.",
            "eritreans often head for london",
            "Children who have been in Calais tend to have contacts and plans before they arrive.",
            "Yes - Afghan boys are often found with extended family, whereas the Vietnamese children are not found at all.",
            "Young people from countries with established smuggling routes go missing far more often.",
            "Syrian children in our area rarely go missing because they are usually placed with family, so yes, it differs.",
        ),
        "0": (
            "No clear relationship that I have noticed.",
            "Nationality matters less than age, in my view.",
            "I would say it is linked to the networks behind them rather than nationality as such.",
            "It depends on the route they came by and who paid for it, not their nationality.",
            "Not really - any separated child is at risk.",
            "no",
            "I haven't seen nationality make a difference in our team's cases.",
        ),
        "DK": (
            "There may be a pattern but our numbers are small.",
            "Don't know, we don't analyse it by nationality.",
            "Would need to look at our missing data properly.",
            "Not sure, every young person is different.",
        ),
    },
    "q6": (
        "Mostly girls exploited sexually within the UK, often after going missing from care.",
        "County lines - British boys moved around to sell drugs are increasingly referred.",
        "When CSE is recognised as internal trafficking, which is still not consistent.",
        "Usually only when police are involved from the start.",
        "British children are rarely recorded as trafficked here; it gets recorded as CSE instead.",
        "When they are moved between towns for exploitation.",
        "It is starting to happen more since the Modern Slavery Act.",
        "Where there's a specialist CSE team that understands trafficking.",
        "Criminal exploitation by gangs, especially when a child is found far from home.",
        "Not really, in our area they are seen as missing or CSE cases, not trafficking.",
        "If there's been an NRM referral by an agency that knows what it is doing.",
        "Older teenagers moved around hotels.",
        "In my experience it depends entirely on the individual social worker.",
        "girls groomed online then moved around the city",
    ),
    "q9": (
        "They are frightened of the police and assume they will be locked up.",
        "An arrest confirms what the traffickers told them: that the authorities are the enemy.",
        "Being treated as a criminal means they don't see themselves as victims and don't accept help.",
        "Fear of prosecution and of being sent to prison or removed.",
        "Once charged they are seen as offenders and the safeguarding response drops away.",
        "They are released from custody straight back to the people controlling them.",
        "Traffickers use the threat of prosecution to keep them quiet and compliant.",
        "It damages any trust we'd built up with them.",
        "Being found on a cannabis farm and arrested - then bailed to a placement with no support.",
        "Court dates hanging over them make them want to disappear.",
        "The child feels they have done something wrong and runs to avoid the consequences.",
        "they think they will be deported if convicted",
        "Criminal records affect their asylum claim, so running seems safer.",
        "Often they are not identified as victims at all, just as offenders, so nobody protects them.",
    ),
    "q11": (
        "Girls are more likely to be exploited sexually and go missing repeatedly.",
        "Boys from Vietnam and Albania go missing more in our experience, usually linked to labour or cannabis.",
        "Boys are seen as more resilient so less is done when they go missing.",
        "Girls are more often reported missing; boys are more often just described as absent.",
        "In our service it's mostly boys, because most of the UASC we have are boys.",
        "Girls are groomed through relationships with older males.",
        "Boys may be seen as able to look after themselves which is a dangerous assumption.",
        "Girls tend to stay missing longer.",
        "There are differences in the type of exploitation rather than the likelihood.",
        "Boys less likely to be identified as trafficked, more likely to be criminalised.",
        "young women are often moved on very quickly",
        "Boys are more likely to be placed in semi-independent accommodation, which increases risk.",
    ),
    "q13": {
        "1": (
            "Repeat missing episodes are one of the clearest indicators of exploitation.",
            "Children who repeatedly go missing are often being moved around for work or sex.",
            "Yes - every episode increases the risk, and they are often being exploited while away.",
            "The pattern of short, regular absences often means someone is collecting them.",
            "Repeat missing is frequently treated as normal behaviour, which is a mistake.",
            "Repeat episodes are often the way we first spot the trafficking.",
            "The more often they go, the more normalised it becomes for staff.",
            "Return home interviews often reveal exploitation after several episodes.",
            "We see repeat missing as a trigger for a strategy meeting.",
            "Yes, and it is often the same address or area each time.",
            "repeat missing = red flag",
            "When they come back with new clothes, phones or cash after each episode it is a clear sign.",
            "Very strong link. Our county lines cases nearly all started with a run of short missing episodes.",
            "Repeat episodes show the child is still being controlled by somebody outside the placement.",
        ),
        "0": (
            "Not always linked - some just want to see friends.",
            "Repeat missing is more often about the placement than about trafficking in our cases.",
            "Not in my experience; most of our repeat missing children are British teenagers going to see boyfriends or family.",
            "No direct link that I've seen.",
        ),
        "DK": (
            "Not enough evidence in my cases to say.",
            "Possibly, but we don't track it.",
            "Unsure - it would depend on the child.",
        ),
    },
    "q20": (
        "I agreed that there are robust arrangements, but only because we fought for them after two very serious cases. Before that nobody owned missing UASC. Now there is a weekly meeting, a named lead in the police and in the council, and we share a list of every child at risk. It still depends on a few committed people though.",
        "On q19: I strongly agree. If a child disappears and is never heard of again, assuming they are safe with family is wishful thinking. Presuming trafficking at least triggers an investigation.",
        "Training:\n- one half day on modern slavery two years ago\n- nothing on missing since",
        "Multi-agency working is improving but information sharing is still patchy.",
        "Training is offered but it is basic and not specific to trafficking.",
        "Data sharing between neighbouring authorities is the biggest gap.",
        "We have a good MASH but trafficking knowledge is concentrated in a couple of people.",
        "I don't think all missing UASC have been trafficked, some leave for family.",
        "Presuming trafficking is a safer starting point than presuming they've just moved on.",
        "Training is mostly e-learning, which doesn't really prepare you.",
        "Our protocol is good on paper but not followed in practice.",
        "Police and children's services share well, immigration less so.",
        "Some children do go to family, so presuming trafficking in every case could be wrong.",
        "Arrangements are robust for CSE but not yet for trafficking.",
        "We rely heavily on one specialist officer.",
        "no training received in the last 3 years",
        "We have a clear missing protocol but trafficking isn't mentioned in it.",
    ),
    "q22": (
        "Some professionals don't know what the NRM is or how to refer.",
        "Young people don't consent or don't want to be referred.",
        "There is a view that the NRM makes no difference for children, so why bother.",
        "Cases get treated as CSE or missing rather than trafficking.",
        "Managers sometimes decide the threshold isn't met.",
        "Social workers are worried about the paperwork and the time it takes.",
        "It depends who picks up the case.",
        "Uncertainty about who should make the referral - police or children's services.",
        "Confusion about the difference between smuggling and trafficking.",
        "Some are not identified as trafficked at all, the indicators are missed.",
        "The child has gone missing before a referral is made.",
        "Lack of training on the NRM for frontline staff.",
        "They are disbelieved about their experiences so referral isn't seen as needed.",
        "staff turnover - nobody owns it",
        "Age disputed young people are often not referred while the assessment is ongoing.",
    ),
    "q23": (
        "In theory the NRM should sharpen everyone's view of the risk. In practice the reasonable grounds decision often comes after the child has already gone missing, and the conclusive decision months later, so it has very little bearing on the day-to-day safety plan.",
        "Very little - it's a decision-making process, not a protection mechanism.",
        "It can help by flagging risk, but decisions take far too long.",
        "None really, for children the local authority should safeguard anyway.",
        "A positive reasonable grounds decision can focus professionals' minds.",
        "It gives some formal recognition that helps the child be believed.",
        "It should inform risk assessment but in practice it doesn't.",
        "Hard to say, we rarely hear the outcome.",
        "It can make children more visible to police when they go missing.",
        "It plays no role in reducing missing, in my experience.",
        "Helps with access to support but not with the immediate risk.",
        "limited",
        "The referral process itself can prompt a strategy meeting, which is useful.",
        "It should, but the link between the NRM and local missing procedures is weak.",
    ),
    "q28": (
        "The absent category worries me. We had a 15 year old graded absent three times in a fortnight because he always came back by morning; it later turned out he was working in a takeaway and sleeping on the floor above it. Risk should be looked at across episodes, not one at a time.",
        "The 'absent' category is dangerous for this group and should not be used.",
        "Risk levels are often set low because the child is seen as streetwise.",
        "Multi-agency risk assessment happens but is inconsistent.",
        "We push for high risk in every trafficking case but it isn't always agreed.",
        "NRM referrals are slow and don't feed into the missing response.",
        "Absent is used when the child has a known pattern of going out, which misses the point.",
        "Risk assessments are completed by whoever is on shift, so quality varies.",
        "Police in our area stopped using absent for looked after children.",
        "There should be a presumption of high risk for trafficked children.",
        "The risk grading changes depending on the time of day and who takes the call.",
        "multi agency meetings only happen after several episodes",
        "Medium risk seems to be the default.",
    ),
    "q30": (
        "They contribute to their safety plan in a meeting with their social worker.",
        "We go through the plan with an interpreter and ask what would keep them safe.",
        "They help identify safe places and safe adults.",
        "Through key work sessions with the residential staff.",
        "Young people are asked who they would call and what they would do if approached.",
        "The plan is shared with them and they sign it.",
        "They are involved in agreeing phone use and curfew.",
        "Sometimes - when there is time and an interpreter is available.",
        "Their advocate helps them put their views into the plan.",
        "at LAC reviews",
    ),
    "q32": (
        "Safety plans are discussed at reviews with an interpreter.",
        "We ask them about their journey and who might try to contact them.",
        "They choose a safe person and memorise their number.",
        "Through their personal adviser and key worker sessions.",
        "Safety planning is part of the placement plan and the young person is consulted.",
        "They agree to check-in times with carers.",
        "Young people are shown how to get help and where the police station is.",
        "Involvement is limited but improving.",
        "by their social worker at visits",
    ),
    "q34": (
        "Concerns are recorded on the case management system and flagged.",
        "There's no specific field for trafficking so it ends up in case notes.",
        "We use a trafficking assessment tool and record it on the file.",
        "Recording is inconsistent between teams.",
        "Concerns are recorded through the safeguarding referral process.",
        "There is a flag on the police system for suspected trafficking.",
        "We don't have a clear process; it depends on the worker.",
        "Concerns go to the designated safeguarding lead and are logged.",
        "We record everything on our database and share with the local authority.",
        "not clear at all",
        "The MASH records it but it doesn't always follow the child.",
    ),
    "q38": {
        "1": (
            "Community groups often know where young people go and who they are with.",
            "Faith communities can offer belonging and a safe network.",
            "Local businesses, taxi drivers and hotel staff can spot and report concerns.",
            "Community members can be trained to recognise signs of trafficking.",
            "Young people may trust someone from their own community more than professionals.",
            "Mentoring schemes with people from the same background help a lot.",
            "Awareness raising in places of worship and community centres.",
            "Some community members have helped us locate missing children.",
            "Befriending and activities reduce the boredom and isolation.",
            "Everyone has a role - neighbours, shopkeepers, landlords.",
            "yes, if they know what to look for",
            "Sports clubs and youth groups give young people somewhere to belong.",
            "A local mosque helped us find a boy within hours once they knew he was missing.",
        ),
        "0": (
            "The community can also be where the exploiters are, so I'd be cautious.",
            "Not really; the risk comes from organised networks, not the local community.",
            "In our area the community is part of the problem - some of the exploitation happens in community-run businesses.",
            "No - this is a job for trained professionals.",
        ),
        "DK": (
            "Possibly, but it would need careful thought about who is trusted.",
            "Not sure how it would work in practice.",
            "Maybe in cities, less so in rural areas.",
        ),
    },
    "q40": (
        "Boys found in cannabis farms arrested and charged, then went missing after being bailed.",
        "A girl was prosecuted for false documents and went missing before the trial.",
        "Young people arrested for shoplifting to order, then treated as offenders.",
        "Children picked up in county lines operations charged rather than safeguarded.",
        "We've had several cases where the child was released from custody and disappeared the same day.",
        "Age disputed young people held in adult custody and then lost track of.",
        "Immigration offences have led to detention and then missing on release.",
        "Children found in nail bars treated as immigration offenders.",
        "Several cases of criminalisation leading to mistrust of all agencies and then going missing.",
        "charged with possession with intent, went missing the day after court",
        "One young man convicted before the NRM decision came through; he disappeared after release.",
    ),
    "q42": (
        "They are classed as absconders and not seen as vulnerable.",
        "Police response is lower because they're seen as offenders.",
        "Less effort goes into finding them.",
        "They are described as 'wanted' rather than missing.",
        "Their missing episodes are put down to criminal behaviour.",
        "They're seen as having made a choice to go.",
        "Recorded as breaching bail rather than as a safeguarding concern.",
        "Reports focus on the offending rather than the risk to the child.",
        "absconder label sticks",
        "Professionals are less sympathetic.",
    ),
    "q44": (
        "Investigations collapse when the victim and main witness goes missing.",
        "Evidence is lost and the child can't give a statement.",
        "The traffickers are alerted and move on.",
        "Prosecutions fail without the child's account.",
        "It delays or stops investigations entirely.",
        "The child may be coached by the traffickers when they come back.",
        "Without the child we can't build the case, it's as simple as that.",
        "Intelligence is lost and the network is protected.",
        "cases get closed",
        "Trust built during the investigation is lost, and they won't engage again.",
        "It means we rely on other evidence, which is often not enough to charge.",
    ),
    "q46": (
        "Children who have been trafficked have learned that adults exploit them. Specialist foster carers and well trained professionals can slowly show them otherwise, and once a child trusts the adults around them they are much less likely to respond when the traffickers call. Locks and cameras can't do that.",
        "Because every other measure depends on it. If the social worker, the carer, the police officer and the teacher don't recognise trafficking, the photo, the safety plan and the advocate never get put in place.",
        "Training professionals means the child is identified early and protected properly.",
        "A foster carer who understands trafficking can build trust and spot warning signs.",
        "An advocate gives the child a consistent person who is on their side.",
        "Specialist placements combine safety with care, rather than restriction.",
        "The child needs to trust the adults around them; everything else follows.",
        "Information about rights in their language helps them understand they are victims, not offenders.",
        "Restrictive measures make them run; relationships make them stay.",
        "Photographs on first contact help find them quickly if they go.",
        "Peer support from young people who have been through it is powerful.",
        "If professionals are trained, the risk is recognised and acted on from day one.",
        "The first few days are crucial, so a safe, specialist placement matters most.",
        "Children tell us they stayed because someone listened.",
        "relationships relationships relationships",
        "Secure accommodation keeps them safe while the risk from traffickers is highest.",
        "Biometric data means we can identify them if they are found elsewhere.",
        "Trained staff stop the culture of disbelief and the child feels believed.",
        "Unless the professionals around the child understand the risk, nothing else works.",
    ),
    "q47": (
        "1. Strategy meeting on the day of arrival\n2. Photo and description kept on file\n3. Specialist carer, trained and supported\nThis has cut our missing episodes by more than half.",
        "The Scottish Guardianship Service.",
        "Independent child trafficking advocates pilot.",
        "Our local authority has a specialist UASC team with trained foster carers.",
        "A safe house model used in the Netherlands with protected accommodation.",
        "Multi-agency meetings within 24 hours of a child arriving.",
        "Return home interviews done by an independent charity.",
        "Photographing children on arrival and sharing with police.",
        "Specialist foster carers who have had trafficking training.",
        "A 'grab pack' with photo and details kept for every child at risk.",
        "Not aware of any.",
        "Our police force's modern slavery unit works closely with children's services.",
        "Peer mentoring projects run by young refugees.",
        "Staying put with carers beyond 18.",
        "The Barnardo's trafficking advocacy service.",
        "Keeping the placement address confidential and limiting who knows it.",
        "none that work consistently",
    ),
    "q14_other_text": (
        "Drug debts", "Boyfriend", "Cultural expectations to work and send money home", "Wanting to earn money",
        "Going to Calais to try for the UK", "Pressure from older peers in placement", "Being moved too often",
        "Juju / oaths", "Mobile phone contact from exploiters", "Poor interpreting", "Religious reasons",
        "Sexual exploitation", "Lack of activities",
    ),
    "q15_other_text": (
        "Onward travel to another country", "Family pressure to work", "Fear of turning 18", "Agents' instructions",
        "Placed in adult hostels", "Wanting to be with friends from the journey", "Fear after Dublin transfer",
        "Turning 18", "Lack of interpreters", "Homesickness",
    ),
    "q45_other_text": (
        "Keyworker who speaks the child's language", "Early legal advice", "Interpreter at every meeting",
        "Grab pack with photo and description", "Safe house placements", "Youth clubs and activities",
        "Quick NRM decisions", "Independent guardian from day one", "Mentoring", "Access to education within a week",
        "Therapeutic support", "Sports and activities", "Multi-agency strategy meeting on arrival",
        "Trained interpreters",
    ),
}

# --- test cases for redaction and spreadsheet-formula escaping (column -> answers) ----------------------------
# Fake personal data only: names are invented, phone numbers are in Ofcom's drama range (07700 900xxx),
# e-mail addresses at example.org, the postcode and National Insurance number are the standard examples.

PERSONAL_DATA: dict[str, tuple[str, ...]] = {
    "q7": (
        "Amira (15) went missing two days after being placed in a B&B near SW1A 1AA - her traffickers already had her number.",
    ),
    "q13": (
        "One girl, Grace O., went missing 9 times in 6 months; each time a man called from 07700 900461 beforehand.",
    ),
    "q20": (
        "Our protocol is at https://www.example.org/missing-protocol (updated 14/03/2015) if that helps.",
    ),
    "q22": (
        "A boy with NI number QQ 12 34 56 C was treated as an adult and never referred - he's been missing since 2 June 2015.",
    ),
    "q40": (
        "Tomas K. was arrested at a cannabis farm on 3 March 2015, bailed to a hostel and went missing the next day.",
    ),
    "q47": (
        "Talk to Jane Whitfield at our project on 07700 900123 or jane.whitfield@example.org - their scheme is excellent.",
    ),
    "q44": (
        "In the case of Mohammed S. (DOB 01/05/1999) the trial collapsed when he went missing, per DC Harris 07700 900982.",
    ),
}
FORMULA_LIKE: dict[str, tuple[str, ...]] = {
    "q7": ("- placement breakdown mostly, and the traffickers ringing them",),
    "q47": ("@ the moment we have no advocate service locally",),
    "q28": ("=risk is always graded medium whatever the facts",),
    "q38": ("+1 for community groups, faith leaders often know these young people best",),
}


def special_answers() -> dict[str, tuple[str, ...]]:
    """Column id -> the fixed answers that exercise redaction and formula escaping (placed once each)."""
    out: dict[str, list[str]] = {}
    for table in (PERSONAL_DATA, FORMULA_LIKE):
        for column, answers in table.items():
            out.setdefault(column, []).extend(answers)
    return {k: tuple(v) for k, v in out.items()}


# --- composers ---------------------------------------------------------------------------------------------------

def vary_case(rng: "np.random.Generator", text: str, p_lower: float) -> str:
    """Some respondents type everything in lower case."""
    return text.lower() if rng.random() < p_lower else text


def add_typos(rng: "np.random.Generator", text: str, max_typos: int = 2) -> str:
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if w.strip(".,;:-?!").lower() in TYPOS]
    if not spots:
        return text
    for i in rng.permutation(spots)[:max_typos].tolist():
        w = words[i]
        core = w.strip(".,;:-?!")
        typo = TYPOS[core.lower()]
        if core[:1].isupper():
            typo = typo[:1].upper() + typo[1:]
        words[i] = w.replace(core, typo)
    return " ".join(words)


def lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper() and not text.startswith(("I ", "I'")):
        return text[0].lower() + text[1:]
    return text


def _join_phrases(phrases: Sequence[str], rng: "np.random.Generator") -> str:
    if len(phrases) == 1:
        return phrases[0]
    style = int(rng.integers(0, 3))
    if style == 0:
        return ", ".join(phrases[:-1]) + " and " + phrases[-1]
    if style == 1:
        return " / ".join(phrases)
    return "; ".join(phrases)


def compose_q7(rng: "np.random.Generator", codes: Sequence[str]) -> str:
    """One answer mentioning the given codes, in a randomly chosen register."""
    form = rng.random()
    if form < 0.25:  # a terse list of phrases
        phrases = [Q7_CODES[c][1][int(rng.integers(len(Q7_CODES[c][1])))] for c in codes]
        lead = Q7_LIST_LEADS[int(rng.integers(len(Q7_LIST_LEADS)))]
        text = lead + _join_phrases(phrases, rng)
        if not lead:
            text = text[:1].upper() + text[1:] if rng.random() < 0.6 else text
    else:
        sentences = [Q7_CODES[c][0][int(rng.integers(len(Q7_CODES[c][0])))] for c in codes]
        if len(sentences) > 1 and rng.random() < 0.25:
            # run-on typing: the second reason joined to the first with "and" / "also" / a dash
            joiner = (" and ", ", also ", " - ")[int(rng.integers(3))]
            sentences[:2] = [sentences[0].rstrip(".:?") + joiner + lower_first(sentences[1])]
        if rng.random() < 0.09:
            sentences.insert(int(rng.integers(1, len(sentences) + 1)), Q7_NEGATED[int(rng.integers(len(Q7_NEGATED)))])
        if rng.random() < 0.2:
            sentences.insert(0, Q7_OPENERS[int(rng.integers(len(Q7_OPENERS)))])
        if rng.random() < 0.15:
            sentences.append(Q7_CLOSERS[int(rng.integers(len(Q7_CLOSERS)))])
        text = " ".join(sentences)
        if rng.random() < 0.12:
            text = text.rstrip(".")
    if rng.random() < 0.14:
        text = add_typos(rng, text)
    return vary_case(rng, text, 0.09)


def q7_answers(rng: "np.random.Generator", k: int) -> list[str]:
    """``k`` answers to q7. Codes rotate so that any run of answers spreads over every code."""
    codes = list(Q7_CODES)
    out: list[str] = []
    pool_size = min(k, 1200)  # beyond this, answers repeat (for very large benchmark samples)
    order = rng.permutation(len(codes)).tolist()
    r = 0
    for i in range(pool_size):
        if rng.random() < 0.10:
            text = Q7_UNCODED[int(rng.integers(len(Q7_UNCODED)))]
            if rng.random() < 0.2:
                stop = "" if text.endswith(("?", "!", ".")) else "."
                text = text + stop + " " + Q7_CLOSERS[int(rng.integers(len(Q7_CLOSERS)))]
            out.append(text)
            continue
        primary = codes[order[r % len(codes)]]
        r += 1
        n_codes = int(rng.choice([1, 1, 2, 2, 2, 3, 3, 4]))
        others = [c for c in rng.permutation(codes).tolist() if c != primary][: n_codes - 1]
        chosen = [primary] + others
        out.append(compose_q7(rng, chosen))
    if k > pool_size:
        out = [out[i] for i in (list(range(pool_size)) + rng.integers(0, pool_size, size=k - pool_size).tolist())]
    return out


SOLO_STARTS = ("no ", "no,", "no.", "not ", "none", "yes", "hard", "only", "it depends", "possibly", "unsure", "maybe")
LONG_WORDS = 15  # answers at least this long are personal: each is given once, never repeated verbatim
PREFIXES: tuple[str, ...] = ("I think ", "In my experience, ", "From what I've seen, ", "Personally I'd say ",
                             "In our area, ", "Generally ", "Honestly, ", "To be honest ", "As far as I can tell, ",
                             "In my view ", "Sadly, ", "Mostly that ")
SUFFIXES: tuple[str, ...] = (" That's my experience anyway.", " (in my area at least)", " Just my view.",
                             " This has been the case for some time.", " Others in my team may disagree.",
                             " It's frustrating.", " Same in most areas, I suspect.", " We have raised this many times.",
                             " Not always, but often.", " Based on a small number of cases, mind.")


def _end(text: str) -> str:
    """The text with a closing full stop, so another sentence can follow."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!", ")")) else text + "."


def _combinable(text: str) -> bool:
    """Longer, positive statements can be run together into one answer without contradicting each other."""
    return 7 <= len(text.split()) < LONG_WORDS and not text.lower().startswith(SOLO_STARTS)


def bank_answers(rng: "np.random.Generator", column: str, k: int, variant: str | None = None) -> list[str]:
    """``k`` answers for a free-text column, drawn from its bank.

    Every entry is used once (in a seeded order) before any is used again; long entries are never
    repeated, shorter ones come back with the variation real answers have (two run together, a
    hedge before or after, a typo, all lower case). ``variant`` picks the sub-bank of an
    answer-dependent bank (the code of the closed answer being explained).
    """
    bank = BANKS[column]
    if isinstance(bank, dict):
        bank = bank[variant if variant in bank else "DK"]
    if k <= 0:
        return []
    pool_size = min(k, 600)
    reusable = [b for b in bank if len(b.split()) < LONG_WORDS] or list(bank)
    joinable = [b for b in bank if _combinable(b)]
    seq = [bank[i] for i in rng.permutation(len(bank)).tolist()][:pool_size]
    first_pass = len(seq)
    while len(seq) < pool_size:
        seq.append(reusable[int(rng.integers(len(reusable)))])
    is_other = column.endswith("_other_text")
    out: list[str] = []
    for i, text in enumerate(seq):
        repeat = i >= first_pass
        r = rng.random()
        if is_other or len(text.split()) <= 4:
            pass  # short notes ("limited", "Not aware of any.") repeat verbatim, as they do in real exports
        elif r < (0.35 if repeat else 0.12) and _combinable(text) and len(joinable) > 3:
            other = joinable[int(rng.integers(len(joinable)))]
            if other != text:
                text = _end(text) + " " + other
        elif r < (0.65 if repeat else 0.2) and not text.lower().startswith(SOLO_STARTS):
            text = PREFIXES[int(rng.integers(len(PREFIXES)))] + lower_first(text)
        elif r < (0.9 if repeat else 0.28):
            suffix = SUFFIXES[int(rng.integers(len(SUFFIXES)))]
            if suffix.startswith(" ("):  # an aside goes inside the sentence: "... signs (in my area at least)."
                text = text.rstrip().rstrip(".") + suffix + "."
            else:
                text = _end(text) + suffix
        if rng.random() < 0.10:
            text = add_typos(rng, text, 1)
        out.append(vary_case(rng, text, 0.08))
    if k > pool_size:
        out = out + [out[i] for i in rng.integers(0, pool_size, size=k - pool_size).tolist()]
    return out
