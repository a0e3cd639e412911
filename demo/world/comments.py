"""What staff say in the two open questions (issue 16): proud of, and what would help. Synthetic
and nobody named.
"""

from __future__ import annotations

import random

from demo.world.plans import (
    CampaignPlan,
    CommentPlan,
)

# What staff say they are proud of, at each stage; what would help them. Synthetic, and nobody
# is named (respondents are asked not to).
PROUD_OF: dict[str, tuple[str, ...]] = {
    "planning": (
        "The design team really listened to teachers.",
        "Families came to the listening sessions and asked good questions.",
        "We finally know why we are doing this.",
        "Visiting another district showed us what is possible.",
        "Our school talked about what students need, not about devices.",
    ),
    "year_1": (
        "Students in my class set learning goals for the first time.",
        "Coaches are in our classrooms every week.",
        "Every student has a working device.",
        "Teachers are sharing lessons across schools.",
        "Trying something new feels safe here.",
        "Six pilot schools at once, and it worked.",
    ),
    "year_2": (
        "Students choose how they show what they learned.",
        "The help desk answers within a day.",
        "Flexible schedules in the middle schools.",
        "We plan lessons around what the data says students need.",
        "Open classrooms: colleagues visit and learn from each other.",
        "Students can explain their own goals to a visitor.",
    ),
    "year_3_plus": (
        "Students lead their own conferences with families.",
        "Students talk about their learning, not just their grades.",
        "Teachers lead the professional learning now.",
        "Visitors come to see what our students do.",
        "Competency-based grading finally makes sense to families.",
        "Quiet students found their voice when they chose their path.",
    ),
}
HELP: tuple[str, ...] = (
    "More time to plan with the coach.",
    "Fewer initiatives at once.",
    "Clear examples of what good looks like in my subject.",
    "Faster fixes when a device breaks.",
    "Time to visit other classrooms.",
    "Help explaining this to families.",
    "A shared place for lesson ideas that work.",
    "Training on the learning platform at the start of the year.",
    "Recognition for teachers who take risks.",
    "Substitute coverage on training days.",
    "Smaller steps: one thing to try each month.",
)
# Ways people start and end a comment, so that a staff meeting's comments are not all alike.
PROUD_OF_OPENINGS: tuple[str, ...] = (
    "", "", "", "Honestly: ", "Most of all: ", "So proud of this one: ", "Big step for us: ",
)  # fmt: skip
HELP_ENDINGS: tuple[str, ...] = (
    "", "", "", " Even an hour a month would make a difference.", " Especially for new teachers.",
    " We are close, but not there yet.", " Please keep it simple.",
)  # fmt: skip
PROUD_OF_SHARE = 0.3  # of respondents who answer the first open question
HELP_SHARE = 0.25  # and the second


def _proud_of_draw(rng: random.Random, stage: str) -> str:
    opening, statement = rng.choice(PROUD_OF_OPENINGS), rng.choice(PROUD_OF[stage])
    return opening + (statement[0].lower() + statement[1:] if opening else statement)


def comments_draw(rng: random.Random, campaign: CampaignPlan) -> tuple[CommentPlan, ...]:
    comments = []
    for _ in campaign.responses:
        if rng.random() < PROUD_OF_SHARE:
            comments.append(CommentPlan("proud_of", _proud_of_draw(rng, campaign.stage)))
        if rng.random() < HELP_SHARE:
            comments.append(CommentPlan("help", rng.choice(HELP) + rng.choice(HELP_ENDINGS)))
    rng.shuffle(comments)
    return tuple(comments)
