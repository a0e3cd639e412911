"""The synthetic demo world, as plain data: districts, schools, campaigns, answers, milestones.

Pure and deterministic: the same seed, items and day give the same world, with no database, no
clock and no NumPy. `demo.seed` stores it; `seed_scale` stores its large cousin for the
benchmarks. Every name is marked "(synthetic)": no real district, school or person is in it.

The national shape follows the four landmarks of spec/domain.md. Each dimension has a target
mean at each stage (`STAGE_TARGETS`); a district adds its own lasting strength, each role its own
view, each person their own noise, and answers are drawn so that their mean is the target:

1. Strategy Communication grows about 70% of its way between Planning and Year 1.
2. Operations grows steadily at every stage.
3. Instructional Design's teacher role grows early, the student's role late.
4. Culture of Innovation rises, then flattens and dips after Year 2.

The world is a package of modules by noun: `plans` (the plain data), `answers` (how a person
answers), `campaigns` (when surveys run and who answers), `districts` (the synthetic districts),
`maple` (Maple Valley, the leader's own), `comments` and `co_travelers` (issue 16), `generate`
(the demo world of a day) and `scale` (the national world of seed_scale and the benchmarks). This
module re-exports their public names.
"""

from __future__ import annotations

from demo.world.answers import (
    CAMPAIGN_SD,
    DISTRICT_CATEGORY_SD,
    DISTRICT_STRENGTH_SD,
    DIVIDED_ROLE_VIEW,
    DIVIDED_ROLE_WEIGHTS,
    ITEM_SD,
    LATER_YEAR_DRIFT,
    NO_ANSWER,
    NO_ANSWER_STUDENT_ROLE,
    PERSON_SD,
    ROLE_VIEW,
    ROLE_WEIGHTS,
    STAGE_TARGETS,
    UNSPECIFIED_SCHOOL,
    answer_draw,
    answers_draw,
    dimension_targets,
    role_targets,
    uuid_draw,
)
from demo.world.co_travelers import (
    CO_TRAVELER_SHARE,
    LEARNING_OFFERS,
)
from demo.world.comments import (
    HELP,
    HELP_ENDINGS,
    HELP_SHARE,
    PROUD_OF,
    PROUD_OF_OPENINGS,
    PROUD_OF_SHARE,
)
from demo.world.districts import (
    DISTRICT_KINDS,
    MILESTONES,
    PLACE_ENDINGS,
    PLACES,
    SCHOOL_KINDS,
    SMALL_SCHOOL_KINDS,
    STATES,
)
from demo.world.generate import (
    CONSULTED_DISTRICTS,
    world_generate,
)
from demo.world.maple import (
    MAPLE_NAME,
    MAPLE_OFFERS,
    MAPLE_SLUG,
)
from demo.world.plans import (
    DEFAULT_SEED,
    DEMO_DISTRICTS,
    DUPLICATE_CODES,
    SYNTHETIC,
    TOO_FEW_DISTRICTS,
    CampaignPlan,
    CommentPlan,
    DistrictPlan,
    LearningOfferPlan,
    MilestonePlan,
    ResponsePlan,
    World,
    world_campaigns,
)
from demo.world.scale import (
    SCALE_LEVELS,
    SCALE_MAX_YEARS_IN,
    SCALE_SLUG_PREFIX,
    SCALE_TEMPLATES_PER_GROUP,
    ScaleCampaign,
    ScaleDistrict,
    ScaleRow,
    ScaleWorld,
    TemplateKey,
    scale_campaign_rows,
    scale_school_name,
    scale_templates,
    scale_world,
)

__all__ = [
    "CAMPAIGN_SD",
    "CONSULTED_DISTRICTS",
    "CO_TRAVELER_SHARE",
    "DEFAULT_SEED",
    "DEMO_DISTRICTS",
    "DISTRICT_CATEGORY_SD",
    "DISTRICT_KINDS",
    "DISTRICT_STRENGTH_SD",
    "DIVIDED_ROLE_VIEW",
    "DIVIDED_ROLE_WEIGHTS",
    "DUPLICATE_CODES",
    "HELP",
    "HELP_ENDINGS",
    "HELP_SHARE",
    "ITEM_SD",
    "LATER_YEAR_DRIFT",
    "LEARNING_OFFERS",
    "MAPLE_NAME",
    "MAPLE_OFFERS",
    "MAPLE_SLUG",
    "MILESTONES",
    "NO_ANSWER",
    "NO_ANSWER_STUDENT_ROLE",
    "PERSON_SD",
    "PLACES",
    "PLACE_ENDINGS",
    "PROUD_OF",
    "PROUD_OF_OPENINGS",
    "PROUD_OF_SHARE",
    "ROLE_VIEW",
    "ROLE_WEIGHTS",
    "SCALE_LEVELS",
    "SCALE_MAX_YEARS_IN",
    "SCALE_SLUG_PREFIX",
    "SCALE_TEMPLATES_PER_GROUP",
    "SCHOOL_KINDS",
    "SMALL_SCHOOL_KINDS",
    "STAGE_TARGETS",
    "STATES",
    "SYNTHETIC",
    "TOO_FEW_DISTRICTS",
    "UNSPECIFIED_SCHOOL",
    "CampaignPlan",
    "CommentPlan",
    "DistrictPlan",
    "LearningOfferPlan",
    "MilestonePlan",
    "ResponsePlan",
    "ScaleCampaign",
    "ScaleDistrict",
    "ScaleRow",
    "ScaleWorld",
    "TemplateKey",
    "World",
    "answer_draw",
    "answers_draw",
    "dimension_targets",
    "role_targets",
    "scale_campaign_rows",
    "scale_school_name",
    "scale_templates",
    "scale_world",
    "uuid_draw",
    "world_campaigns",
    "world_generate",
]
