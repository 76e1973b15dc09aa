from django.urls import path

from smartwork.wellbeing import (
    views,
    views_evaluation,
    views_legal,
    views_objectives,
    views_questions,
    views_training,
)

app_name = "wellbeing"

urlpatterns = [
    path("", views.home, name="home"),
    path("surveys/<int:survey_id>/", views.survey_answer, name="survey_answer"),
    path("company/<int:company_id>/", views.company, name="company"),
    path("network/", views.network, name="network"),
    path("campaigns/<int:campaign_id>/modules/<int:module_id>/", views_training.module_page,
         name="module"),
    path("company/<int:company_id>/questions/", views_questions.questions, name="questions"),
    path("company/<int:company_id>/objectives/", views_objectives.objectives,
         name="objectives"),
    path("company/<int:company_id>/campaigns/", views_training.campaigns, name="campaigns"),
    path("network/library/", views_training.library, name="library"),
    path("legal/", views_legal.legal_library, name="legal"),
    path("company/<int:company_id>/evaluation/", views_evaluation.company_evaluation,
         name="evaluation"),
    path("network/evaluation/", views_evaluation.network_evaluation, name="network_evaluation"),
    path("company/<int:company_id>/policy.pdf", views_legal.policy_document,
         name="policy_document"),
]
